using System.Globalization;
using Cluster.Core;

namespace LockService;

/// <summary>The sample's command line: which mode to run and its settings. See the top of Program.cs for the usage.</summary>
public sealed record CommandLine
{
    /// <summary>Why the arguments were refused, or null.</summary>
    public string? Error { get; init; }

    /// <summary>For <c>--replica N</c>: which member this process runs.</summary>
    public int? Replica { get; init; }

    /// <summary>Whether this process is a command line client.</summary>
    public bool Client { get; init; }

    /// <summary>The cell's replicas.</summary>
    public IReadOnlyList<NodeAddress> Members { get; init; } = Wiring.DefaultMembers;

    /// <summary>For a replica: the clients it answers.</summary>
    public IReadOnlyList<NodeAddress> Clients { get; init; } = Wiring.DefaultClients;

    /// <summary>For a client: its own id and address.</summary>
    public NodeAddress ClientAddress { get; init; } = Wiring.DefaultClients[0];

    /// <summary>For a client: the principal it acts for.</summary>
    public string Principal { get; init; } = Chubby.ChubbyPrincipal.Anonymous;

    /// <summary>Where replicas keep their logs.</summary>
    public string DataFolder { get; init; } = Path.Combine("data", "lockservice");

    /// <summary>For a client: the command and its arguments; empty for the shell.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Parses the arguments; <see cref="Error"/> says what is wrong.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var parsed = new CommandLine();
        try
        {
            var i = 0;
            string Next(string flag) => i + 1 < args.Count ? args[++i] : throw new FormatException($"{flag} needs a value.");
            if (args.Count > 0 && args[0] == "client")
            {
                parsed = parsed with { Client = true };
                i = 1;
            }

            for (; i < args.Count; i++)
            {
                switch (args[i])
                {
                    case "--replica": parsed = parsed with { Replica = int.Parse(Next("--replica"), NumberStyles.None, CultureInfo.InvariantCulture) }; break;
                    case "--members": parsed = parsed with { Members = ParseList(Next("--members")) }; break;
                    case "--clients": parsed = parsed with { Clients = ParseList(Next("--clients")) }; break;
                    case "--data": parsed = parsed with { DataFolder = Next("--data") }; break;
                    case "--as" when parsed.Client: parsed = parsed with { ClientAddress = NodeAddress.Parse(Next("--as")) }; break;
                    case "--principal" when parsed.Client: parsed = parsed with { Principal = Next("--principal") }; break;
                    case var word when parsed.Client && !word.StartsWith("--", StringComparison.Ordinal):
                        // The command starts here; everything after it belongs to the command (including its own flags).
                        parsed = parsed with { Command = [.. args.Skip(i)] };
                        i = args.Count;
                        break;
                    default: throw new FormatException($"Unknown argument '{args[i]}'.");
                }
            }

            if (parsed.Replica is { } n && (n < 1 || n > parsed.Members.Count))
            {
                throw new FormatException($"--replica {n}: there are {parsed.Members.Count} members, numbered from 1.");
            }

            if (parsed.Replica is not null && parsed.Client)
            {
                throw new FormatException("A process is a replica or a client, not both.");
            }

            return parsed;
        }
        catch (Exception exception) when (exception is FormatException or OverflowException)
        {
            return parsed with { Error = exception.Message };
        }
    }

    /// <summary>Parses a duration: <c>500ms</c>, <c>30s</c>, <c>2m</c>.</summary>
    /// <exception cref="FormatException">The text is not a duration.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new FormatException($"'{text}' is not a duration such as 500ms, 30s or 2m.");
    }

    private static NodeAddress[] ParseList(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NodeAddress.Parse)];
}
