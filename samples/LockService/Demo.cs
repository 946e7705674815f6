using System.Diagnostics;
using System.Text;
using Chubby;
using Microsoft.Extensions.Logging;

namespace LockService;

/// <summary>
/// The scripted tour the sample runs without arguments: five replicas over loopback TCP with durable logs; a file written and read
/// (the second read from the client's cache); a lock and its sequencer; the master killed while the lock is held, and the session,
/// the lock and the sequencer still good under the new master; the lock released and taken by another session.
/// </summary>
public static class Demo
{
    private const string Directory = "/ls/local/demo";
    private const string ConfigPath = Directory + "/config";
    private const string LockPath = Directory + "/leader";

    /// <summary>Runs the tour, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="dataFolder">Where the replicas keep their logs (one folder each); existing data is recovered, not erased.</param>
    /// <param name="output">Where to print the tour.</param>
    /// <param name="loggerFactory">Where the cell and clients log.</param>
    /// <param name="cancellationToken">Abandons the tour.</param>
    /// <returns>Whether every check held.</returns>
    public static async Task<bool> RunAsync(string dataFolder, TextWriter output, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var ok = true;
        void Check(bool condition, string what)
        {
            output.WriteLine($"   {(condition ? "ok" : "FAILED")}: {what}");
            ok &= condition;
        }

        output.WriteLine($"== LockService: a Chubby cell of five replicas on 127.0.0.1, logs under {Path.GetFullPath(dataFolder)}");
        await using var cell = await LocalCell.StartAsync(dataFolder, loggerFactory);
        output.WriteLine($"   {string.Join(", ", cell.Addresses)}");
        var started = Stopwatch.GetTimestamp();
        var master = await cell.WaitForMasterAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"   {master.Id} is master in epoch {master.MasterEpoch} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        // A short request timeout: on loopback an unanswered call means a dead replica, so the client moves on quickly.
        var clientOptions = new ChubbyClientOptions { Principal = "demo", RequestTimeout = TimeSpan.FromSeconds(1) };
        var client = await cell.ConnectAsync(clientOptions, cancellationToken);
        var failovers = 0;
        client.EventRaised += (_, e) =>
        {
            if (e.Kind == ChubbyEventKind.MasterFailedOver)
            {
                Interlocked.Increment(ref failovers);
            }
        };
        var session = client.SessionId;
        output.WriteLine($"== session {session} for principal '{client.Principal}'");

        await client.OpenAsync(Directory, OpenFlags.Create | OpenFlags.Directory, cancellationToken: cancellationToken);
        var config = await client.OpenAsync(ConfigPath, OpenFlags.Create, cancellationToken: cancellationToken);
        var written = await config.SetContentsAsync("replicas=5"u8.ToArray(), cancellationToken: cancellationToken);
        output.WriteLine($"   wrote {ConfigPath} = \"replicas=5\" (content generation {written.ContentGeneration})");
        var first = await config.GetContentsAndStatAsync(cancellationToken);
        var hits = client.CacheHits;
        var second = await config.GetContentsAndStatAsync(cancellationToken);
        Check(Text(first.Contents) == "replicas=5" && Text(second.Contents) == "replicas=5", $"read back \"{Text(second.Contents)}\" twice");
        Check(client.CacheHits == hits + 1, "the second read came from the client's cache (the master invalidates it before any change)");

        output.WriteLine("== a lock and its sequencer");
        var leader = await client.OpenAsync(LockPath, OpenFlags.Create, cancellationToken: cancellationToken);
        var sequencer = await leader.AcquireAsync(LockMode.Exclusive, cancellationToken: cancellationToken);
        output.WriteLine($"   session {session} holds {LockPath} exclusively; sequencer {sequencer}");
        var other = await cell.ConnectAsync(new ChubbyClientOptions { Principal = "other", RequestTimeout = TimeSpan.FromSeconds(1) }, cancellationToken);
        var contender = await other.OpenAsync(LockPath, cancellationToken: cancellationToken);
        Check(await contender.TryAcquireAsync(cancellationToken: cancellationToken) is null, $"session {other.SessionId} cannot take the lock while it is held");
        config.SetSequencer(sequencer);
        var guarded = await config.SetContentsAsync("replicas=5 leader=demo"u8.ToArray(), cancellationToken: cancellationToken);
        output.WriteLine($"   a write guarded by the sequencer went through (content generation {guarded.ContentGeneration})");

        output.WriteLine($"== killing the master, {master.Id}");
        var killed = master.Id;
        var oldEpoch = master.MasterEpoch;
        started = Stopwatch.GetTimestamp();
        await cell.KillAsync(killed);
        var next = await cell.WaitForMasterAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"   {next.Id} is master in epoch {next.MasterEpoch} after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        // The next call finds the new master; it waits until every session has acknowledged the fail-over.
        var after = await config.SetContentsAsync("replicas=5 leader=demo failover=1"u8.ToArray(), cancellationToken: cancellationToken);
        output.WriteLine($"   a write guarded by the same sequencer went through the new master {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s after the kill (content generation {after.ContentGeneration})");
        Check(next.MasterEpoch > oldEpoch && Volatile.Read(ref failovers) > 0, $"the client saw the fail-over (epoch {oldEpoch} -> {next.MasterEpoch}) and flushed its cache");
        Check(client.SessionId == session && client.State == ChubbySessionState.Safe, $"session {session} survived and is {client.State}");
        Check(await other.CheckSequencerAsync(sequencer, cancellationToken), $"the cell says sequencer {sequencer} is still current");
        Check(await contender.TryAcquireAsync(cancellationToken: cancellationToken) is null, "the other session still cannot take the lock");

        output.WriteLine("== release");
        await leader.ReleaseAsync(cancellationToken);
        var successor = await contender.AcquireAsync(cancellationToken: cancellationToken);
        output.WriteLine($"   session {other.SessionId} took the lock: sequencer {successor}");
        var validator = new SequencerValidator();
        await validator.EnsureValidAsync(successor, cancellationToken);
        Check(!await validator.IsValidAsync(sequencer, cancellationToken), $"a downstream server that saw {successor} rejects the old {sequencer}");
        await contender.ReleaseAsync(cancellationToken);

        await cell.RestartAsync(killed);
        output.WriteLine($"   {killed} restarted from its files on its old port");
        await other.CloseSessionAsync(cancellationToken);
        await client.CloseSessionAsync(cancellationToken);
        output.WriteLine("   both sessions closed (their locks released at once, no lock-delay)");
        output.WriteLine(ok ? "done" : "some checks FAILED");
        return ok;
    }

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
