using System.Diagnostics;
using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Benchmarks.Etcd;

/// <summary>
/// The peer: three etcd members (the Debian package <c>etcd-server</c>) as processes on 127.0.0.1, with data folders under the
/// comparison's temp folder, reached over gRPC with the generated clients that <c>dotnet-etcd</c> ships.
/// </summary>
internal sealed class EtcdCell : IDisposable
{
    private readonly ServerProcess[] _members;
    private readonly string[] _clientUrls;
    private readonly List<GrpcChannel> _channels = [];

    private EtcdCell(ServerProcess[] members, string[] clientUrls, string version)
    {
        _members = members;
        _clientUrls = clientUrls;
        Version = version;
    }

    public IReadOnlyList<ServerProcess> Members => _members;

    /// <summary>The output of <c>etcd --version</c>, first line.</summary>
    public string Version { get; }

    /// <summary>The leader's process, found by <see cref="FindLeaderAsync"/>.</summary>
    public ServerProcess Leader { get; private set; } = null!;

    /// <summary>The leader's client URL.</summary>
    public string LeaderUrl { get; private set; } = "";

    /// <summary>The settings used, for the comparison's details.</summary>
    public static IReadOnlyDictionary<string, object> Settings(int connections) => new Dictionary<string, object>
    {
        ["members"] = "3 etcd processes on 127.0.0.1 with distinct client and peer ports, defaults otherwise: 100 ms heartbeat, 1 s election timeout, snapshot every 100,000 entries, WAL fsync on every member before it acknowledges",
        ["data"] = "one data folder per member in the temp folder on the disk",
        ["client"] = "gRPC (Grpc.Net.Client with the generated etcd clients that the dotnet-etcd package ships), plaintext HTTP/2",
        ["client_connections"] = $"{connections} gRPC channels (one HTTP/2 connection each) to the leader's client URL; clients are spread over them round-robin",
        ["why_leader"] = "clients talk to the leader, as ours talk to the master: a follower would forward each proposal to the leader, one more hop",
    };

    /// <summary>
    /// The <c>etcd</c> binary: on the PATH, or installed with apt-get (Debian's <c>etcd-server</c>). Null with a reason when it
    /// cannot be had.
    /// </summary>
    public static async Task<(string? Path, string Reason)> FindOrInstallAsync(string logFolder)
    {
        if (FindOnPath("etcd") is { } found)
        {
            return (found, "found on PATH");
        }

        var log = System.IO.Path.Combine(logFolder, "apt-get.log");
        Progress("etcd is not on PATH; installing the Debian package etcd-server with apt-get");
        var installed = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "etcd-server"], log) == 0;
        if (!installed)
        {
            // The package lists may be missing or stale.
            await RunAsync("apt-get", ["update"], log);
            installed = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "etcd-server"], log) == 0;
        }

        if (FindOnPath("etcd") is { } path)
        {
            return (path, "installed with apt-get install etcd-server");
        }

        var tail = File.Exists(log) ? string.Join(" | ", File.ReadLines(log).TakeLast(3).Distinct()) : "no output";
        return (null, installed
            ? "apt-get installed etcd-server but no etcd binary is on PATH"
            : $"apt-get install etcd-server failed (is this Debian, with root and the package lists reachable?): {tail}");
    }

    /// <summary>Starts three members, waits until they agree on a leader that accepts writes.</summary>
    public static async Task<EtcdCell> StartAsync(string etcd, string folder)
    {
        var version = await VersionAsync(etcd);
        Directory.CreateDirectory(folder);
        var ports = ChubbyCell.ReservePorts(6);
        var clientUrls = Enumerable.Range(0, 3).Select(i => Url(ports[i])).ToArray();
        var peerUrls = Enumerable.Range(0, 3).Select(i => Url(ports[3 + i])).ToArray();
        var cluster = string.Join(',', peerUrls.Select((url, i) => $"m{i}={url}"));
        var token = "bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var members = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                string[] arguments =
                [
                    "--name", $"m{i}",
                    "--data-dir", System.IO.Path.Combine(folder, $"etcd-{i}"),
                    "--listen-client-urls", clientUrls[i],
                    "--advertise-client-urls", clientUrls[i],
                    "--listen-peer-urls", peerUrls[i],
                    "--initial-advertise-peer-urls", peerUrls[i],
                    "--initial-cluster", cluster,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", token,
                    "--logger", "zap",
                    "--log-level", "warn",
                ];
                members.Add(await ServerProcess.StartAsync($"etcd-{i}", etcd, arguments, System.IO.Path.Combine(folder, $"etcd-{i}.log")));
            }
        }
        catch
        {
            members.ForEach(m => m.Dispose());
            throw;
        }

        var cell = new EtcdCell([.. members], clientUrls, version);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await cell.FindLeaderAsync(timeout.Token);
            return cell;
        }
        catch
        {
            cell.Dispose();
            throw;
        }
    }

    /// <summary>A new gRPC channel (one HTTP/2 connection) to the leader, or to member <paramref name="member"/>.</summary>
    public GrpcChannel OpenChannel(int? member = null)
    {
        var channel = GrpcChannel.ForAddress(member is { } m ? _clientUrls[m] : LeaderUrl, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            HttpHandler = new SocketsHttpHandler
            {
                // One connection per channel, so the number of connections is the same on both sides.
                EnableMultipleHttp2Connections = false,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return channel;
    }

    /// <summary>Asks every member for its status until they name the same leader and a put through it succeeds.</summary>
    public async Task FindLeaderAsync(CancellationToken cancellationToken)
    {
        var exited = _members.FirstOrDefault(m => !m.IsRunning);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (exited is not null)
            {
                throw new InvalidOperationException($"{exited.Name} exited; see {exited.LogFile}: {string.Join(" | ", File.ReadLines(exited.LogFile).TakeLast(3))}");
            }

            try
            {
                var ids = new ulong[_members.Length];
                var leaders = new HashSet<ulong>();
                for (var i = 0; i < _members.Length; i++)
                {
                    using var channel = GrpcChannel.ForAddress(_clientUrls[i], new GrpcChannelOptions { Credentials = ChannelCredentials.Insecure });
                    var status = await new Maintenance.MaintenanceClient(channel).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                    ids[i] = status.Header.MemberId;
                    leaders.Add(status.Leader);
                }

                if (leaders.Count == 1 && leaders.Single() != 0 && Array.IndexOf(ids, leaders.Single()) is var index and >= 0)
                {
                    Leader = _members[index];
                    LeaderUrl = _clientUrls[index];
                    using var channel = GrpcChannel.ForAddress(LeaderUrl, new GrpcChannelOptions { Credentials = ChannelCredentials.Insecure });
                    await new KV.KVClient(channel).PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("bench/ready"), Value = ByteString.CopyFromUtf8("1") }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
                    return;
                }
            }
            catch (RpcException)
            {
                // Not up yet, or no leader yet.
            }

            await Task.Delay(100, cancellationToken);
            exited = _members.FirstOrDefault(m => !m.IsRunning);
        }
    }

    public void Dispose()
    {
        lock (_channels)
        {
            _channels.ForEach(c => c.Dispose());
            _channels.Clear();
        }

        foreach (var member in _members)
        {
            member.Dispose();
        }
    }

    private static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static string? FindOnPath(string name)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<string> VersionAsync(string etcd)
    {
        var start = new ProcessStartInfo(etcd, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "unknown";
    }

    private static async Task<int> RunAsync(string program, string[] arguments, string log)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await File.AppendAllTextAsync(log, $"$ {program} {string.Join(' ', arguments)}\n{await output}{await error}exit {process.ExitCode}\n");
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            await File.AppendAllTextAsync(log, $"$ {program}: {exception.Message}\n");
            return -1;
        }
    }

    private static void Progress(string line) => Console.Error.WriteLine(line);
}
