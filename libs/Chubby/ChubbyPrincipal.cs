using System.Diagnostics.CodeAnalysis;

namespace Chubby;

/// <summary>
/// Principal names: who a session acts for, as ACL files list them (Chubby §2.4). A principal is set by the client when it connects
/// (<see cref="ChubbyClientOptions.Principal"/>) and recorded with the session.
/// </summary>
/// <remarks>
/// The principal is asserted by the client, not authenticated: the only authentication is the transport's (for example the
/// cluster secret of <c>TcpTransport</c>), so any process admitted to the cell can claim any principal. ACLs here guard against
/// mistakes and separate well-behaved applications; they are not a defence against a hostile process that knows the secret.
/// </remarks>
public static class ChubbyPrincipal
{
    /// <summary>The principal of a client that names none.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>A line of an ACL file that admits every principal.</summary>
    public const string Everyone = "*";

    /// <summary>The longest principal name, in characters.</summary>
    public const int MaxLength = 255;

    /// <summary>Whether <paramref name="name"/> is a valid principal: 1 to 255 letters, digits, '-', '_', '.' and '@'.</summary>
    public static bool IsValid([NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@');

    /// <summary>
    /// The principals an ACL file lists: one a line, surrounding white space ignored, empty lines and lines starting with '#' skipped.
    /// </summary>
    public static IReadOnlySet<string> ParseAclFile(ReadOnlySpan<byte> contents)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in System.Text.Encoding.UTF8.GetString(contents).Split('\n'))
        {
            var name = line.Trim();
            if (name.Length > 0 && !name.StartsWith('#'))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
