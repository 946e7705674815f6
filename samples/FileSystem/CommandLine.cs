using System.Globalization;
using Cluster.Core;

namespace FileSystem;

/// <summary>The parsed command line; <see cref="Error"/> is set when it could not be parsed.</summary>
internal sealed record CommandLine
{
    public string? Error { get; init; }

    public bool Shell { get; init; }

    public NodeId? Master { get; init; }

    public NodeId? Chunkserver { get; init; }

    /// <summary>Run one replica of the Chubby cell given by <see cref="ChubbyCell"/>.</summary>
    public NodeId? ChubbyReplica { get; init; }

    /// <summary>Embedded: run a Chubby cell too and elect the master with its lock.</summary>
    public bool Chubby { get; init; }

    /// <summary>Distributed: the Chubby cell's replicas; when given, masters elect with its lock and everyone finds the master there.</summary>
    public IReadOnlyList<NodeAddress> ChubbyCell { get; init; } = [];

    public NodeId Client { get; init; } = new(100);

    public string Rack { get; init; } = "rack-a";

    public IReadOnlyList<NodeAddress> Masters { get; init; } = [];

    public IReadOnlyList<NodeAddress> Chunkservers { get; init; } = [];

    public IReadOnlyList<NodeAddress> Clients { get; init; } = [];

    public string? DataFolder { get; init; }

    public long? ChunkSize { get; init; }

    /// <summary>Whether the process joins a cluster given by member lists, rather than running one of its own.</summary>
    public bool Distributed => Masters.Count > 0 || ChubbyReplica is not null;

    /// <summary>Every node this process may talk to.</summary>
    public IEnumerable<NodeAddress> Everyone => Masters.Concat(Chunkservers).Concat(Clients).Concat(ChubbyCell);

    /// <summary>The Chubby cell's ids, or null when the masters elect with Raft alone.</summary>
    public IReadOnlyList<NodeId>? ChubbyIds => ChubbyCell.Count == 0 ? null : [.. ChubbyCell.Select(c => c.Id)];

    public static CommandLine Parse(string[] args)
    {
        var line = new CommandLine();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                line = args[i] switch
                {
                    "--shell" => line with { Shell = true },
                    "--master" => line with { Master = NodeId.Parse(Next()) },
                    "--chunkserver" => line with { Chunkserver = NodeId.Parse(Next()) },
                    "--chubby" => line with { Chubby = true },
                    "--chubby-replica" => line with { ChubbyReplica = NodeId.Parse(Next()) },
                    "--chubby-cell" => line with { ChubbyCell = ParseList(Next()) },
                    "--client" => line with { Client = NodeId.Parse(Next()) },
                    "--rack" => line with { Rack = Next() },
                    "--masters" => line with { Masters = ParseList(Next()) },
                    "--chunkservers" => line with { Chunkservers = ParseList(Next()) },
                    "--clients" => line with { Clients = ParseList(Next()) },
                    "--data" => line with { DataFolder = Next() },
                    "--chunk-size" => line with { ChunkSize = ParseSize(Next()) },
                    _ => throw new FormatException($"Unknown argument '{args[i]}'."),
                };
            }

            return line.Check();
        }
        catch (FormatException exception)
        {
            return line with { Error = exception.Message };
        }
    }

    /// <summary>The address of <paramref name="id"/> in the member lists.</summary>
    public NodeAddress AddressOf(NodeId id) =>
        Everyone.FirstOrDefault(a => a.Id == id) ?? throw new FormatException($"{id} is in none of --masters, --chunkservers and --clients.");

    private CommandLine Check()
    {
        var roles = (Master is null ? 0 : 1) + (Chunkserver is null ? 0 : 1) + (ChubbyReplica is null ? 0 : 1) + (Shell && Distributed ? 1 : 0);
        if (roles > 1)
        {
            throw new FormatException("Choose one role: --master N, --chunkserver N, --chubby-replica N or --shell.");
        }

        if (Chubby && Distributed)
        {
            throw new FormatException("--chubby runs a Chubby cell inside the embedded cluster; with member lists, name the cell's replicas with --chubby-cell.");
        }

        if (ChubbyReplica is { } replica && !ChubbyCell.Any(c => c.Id == replica))
        {
            throw new FormatException($"--chubby-replica {replica} is not in --chubby-cell.");
        }

        if ((Master is not null || Chunkserver is not null) && (Masters.Count == 0 || Chunkservers.Count == 0))
        {
            throw new FormatException("--master and --chunkserver need --masters and --chunkservers (and --clients for clients that will connect).");
        }

        var ids = Everyone.Select(a => a.Id).ToList();
        if (ids.Count != ids.Distinct().Count())
        {
            throw new FormatException("A node id appears twice in the member lists.");
        }

        if (Master is { } master && !Masters.Any(m => m.Id == master))
        {
            throw new FormatException($"--master {master} is not in --masters.");
        }

        if (Chunkserver is { } chunkserver && !Chunkservers.Any(c => c.Id == chunkserver))
        {
            throw new FormatException($"--chunkserver {chunkserver} is not in --chunkservers.");
        }

        if (Shell && Distributed && !Clients.Any(c => c.Id == Client))
        {
            throw new FormatException($"The shell's client {Client} must be in --clients (the servers answer to that address); or pick one with --client N.");
        }

        return this;
    }

    private static NodeAddress[] ParseList(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NodeAddress.Parse)];

    /// <summary>Parses a byte count with an optional K, M or G suffix (powers of 1024), as in <c>64M</c>.</summary>
    private static long ParseSize(string text)
    {
        var multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1024L,
            'M' => 1024L * 1024,
            'G' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new FormatException($"'{text}' is not a size such as 1M or 65536.");
        }

        return value * multiplier;
    }
}
