using System.Globalization;
using Cluster.Core;

namespace PhotoStore;

/// <summary>The sample's command line.</summary>
public sealed record SampleOptions
{
    /// <summary>Why the command line was refused, or null.</summary>
    public string? Error { get; init; }

    /// <summary>Keep serving until Ctrl+C instead of running the self-check.</summary>
    public bool Serve { get; init; }

    /// <summary>For <c>--role front</c>: run the self-check against the cluster and exit.</summary>
    public bool Check { get; init; }

    /// <summary>The one role to run in this process (<c>directory</c>, <c>store</c>, <c>cache</c>, <c>front</c>), or null for all.</summary>
    public string? Role { get; init; }

    /// <summary>The node of <see cref="Role"/>.</summary>
    public NodeId Node { get; init; }

    /// <summary>Where the data goes.</summary>
    public string DataFolder { get; init; } = "data";

    /// <summary>Where the HTTP front listens; null for the default (a free port for the self-check, 5080 otherwise).</summary>
    public string? Http { get; init; }

    /// <summary>The largest upload the front takes.</summary>
    public int MaxUploadBytes { get; init; } = SampleSettings.DefaultMaxUploadBytes;

    /// <summary>The first port of the fixed topology used when each role runs in its own process.</summary>
    public int BasePort { get; init; } = Topology.DefaultBasePort;

    /// <summary>Parses the command line; <see cref="Error"/> says what was wrong.</summary>
    public static SampleOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new SampleOptions();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
                options = args[i] switch
                {
                    "--serve" => options with { Serve = true },
                    "--check" => options with { Check = true },
                    "--role" => options with { Role = Next() },
                    "--node" => options with { Node = NodeId.Parse(Next()) },
                    "--data" => options with { DataFolder = Next() },
                    "--http" => options with { Http = Next() },
                    "--max-upload-bytes" => options with { MaxUploadBytes = Number(Next(), 1, 16 * 1024 * 1024 - 4096, "--max-upload-bytes") },
                    "--base-port" => options with { BasePort = Number(Next(), 1024, 65000, "--base-port") },
                    _ => throw new FormatException($"Unknown argument '{args[i]}'."),
                };
            }

            return options.Role switch
            {
                null or "front" or "cache" => options,
                "directory" or "store" when !options.Node.IsNone => options,
                "directory" or "store" => throw new FormatException($"--role {options.Role} needs --node (for example n1 or n11)."),
                _ => throw new FormatException($"Unknown role '{options.Role}'; the roles are directory, store, cache and front."),
            };
        }
        catch (FormatException exception)
        {
            return options with { Error = exception.Message };
        }
    }

    private static int Number(string text, int min, int max, string flag) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"{flag} takes a number from {min} to {max}; '{text}' is not one.");
}
