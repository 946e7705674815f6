using System.Globalization;
using Cluster.Core;

namespace Haystack;

/// <summary>
/// The paper's photo URL (OSDI'10 §3.1), <c>/&lt;cache&gt;/&lt;machine&gt;/&lt;logical volume&gt;,&lt;key&gt;[_&lt;alternate key&gt;]?&lt;cookie&gt;</c>:
/// the Cache to ask (<c>-</c> to read from the Store directly), the Store machine that holds a replica, and the photo. Node
/// ids and numbers are decimal, the cookie is 16 hex digits, for example <c>/7/12/3,1042_1?00c0ffee00c0ffee</c>.
/// </summary>
/// <param name="Cache">The Cache node, or <see cref="NodeId.None"/> for a direct read.</param>
/// <param name="Machine">The Store machine.</param>
/// <param name="Photo">The photo.</param>
public readonly record struct PhotoUrl(NodeId Cache, NodeId Machine, PhotoLocation Photo)
{
    /// <summary>The longest URL accepted, a bound on what a hostile caller can make the parser look at.</summary>
    public const int MaxLength = 128;

    /// <summary>Formats the URL.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"/{(Cache.IsNone ? "-" : Cache.Value.ToString(CultureInfo.InvariantCulture))}/{Machine.Value}/{Photo}");

    /// <summary>Parses a URL.</summary>
    /// <exception cref="PhotoUrlFormatException">The URL is malformed; the message names the position and what was expected.</exception>
    public static PhotoUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryParse(url, out var parsed, out var error) ? parsed : throw error!;
    }

    /// <summary>Parses a URL without throwing.</summary>
    public static bool TryParse(string? url, out PhotoUrl parsed) => TryParse(url, out parsed, out _);

    private static bool TryParse(string? url, out PhotoUrl parsed, out PhotoUrlFormatException? error)
    {
        parsed = default;
        url ??= string.Empty;
        var position = 0;
        error = url.Length > MaxLength ? new PhotoUrlFormatException(url, MaxLength, $"at most {MaxLength} characters") : null;
        if (error is not null || !Expect(url, ref position, '/', out error))
        {
            return false;
        }

        NodeId cache = default;
        if (position < url.Length && url[position] == '-')
        {
            position++;
        }
        else if (!Number(url, ref position, "the cache's node id (a positive number) or '-'", out var cacheId, out error) || !Positive(url, position, cacheId, "the cache's node id", out error))
        {
            return false;
        }
        else
        {
            cache = new NodeId(cacheId);
        }

        if (!Expect(url, ref position, '/', out error)
            || !Number(url, ref position, "the Store machine's node id", out var machine, out error)
            || !Positive(url, position, machine, "the Store machine's node id", out error)
            || !Expect(url, ref position, '/', out error)
            || !Number(url, ref position, "the logical volume id", out var volume, out error)
            || !Fits(url, position, volume, uint.MaxValue, "a logical volume id below 2^32", out error)
            || !Expect(url, ref position, ',', out error)
            || !Number(url, ref position, "the photo key", out var key, out error))
        {
            return false;
        }

        ulong alternate = 0;
        if (position < url.Length && url[position] == '_'
            && (!Expect(url, ref position, '_', out error)
                || !Number(url, ref position, "the alternate key", out alternate, out error)
                || !Fits(url, position, alternate, uint.MaxValue, "an alternate key below 2^32", out error)))
        {
            return false;
        }

        if (!Expect(url, ref position, '?', out error))
        {
            return false;
        }

        var cookie = url.AsSpan(position);
        if (cookie.Length != 16 || !ulong.TryParse(cookie, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cookieValue))
        {
            error = new PhotoUrlFormatException(url, position, "the cookie as exactly 16 hex digits, ending the URL");
            return false;
        }

        parsed = new PhotoUrl(cache, new NodeId(machine), new PhotoLocation((uint)volume, key, (uint)alternate, cookieValue));
        return true;
    }

    private static bool Expect(string url, ref int position, char expected, out PhotoUrlFormatException? error)
    {
        if (position < url.Length && url[position] == expected)
        {
            position++;
            error = null;
            return true;
        }

        error = new PhotoUrlFormatException(url, position, $"'{expected}'");
        return false;
    }

    private static bool Number(string url, ref int position, string what, out ulong value, out PhotoUrlFormatException? error)
    {
        var start = position;
        while (position < url.Length && char.IsAsciiDigit(url[position]))
        {
            position++;
        }

        if (position == start || !ulong.TryParse(url.AsSpan(start, position - start), NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            error = new PhotoUrlFormatException(url, start, $"{what} as a decimal number below 2^64");
            return false;
        }

        error = null;
        return true;
    }

    private static bool Positive(string url, int position, ulong value, string what, out PhotoUrlFormatException? error) =>
        Fits(url, position, value == 0 ? ulong.MaxValue : value, ulong.MaxValue - 1, $"{what} above zero", out error);

    private static bool Fits(string url, int position, ulong value, ulong max, string what, out PhotoUrlFormatException? error)
    {
        error = value <= max ? null : new PhotoUrlFormatException(url, position, what);
        return error is null;
    }
}
