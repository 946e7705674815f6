using System.Diagnostics;
using System.Net;
using Chubby;
using Cluster.Core;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace QuickStart;

/// <summary>
/// The Chubby step of the tour: a lock service on three replicas over loopback TCP with durable logs in a temporary folder. A
/// client takes a lock and writes a file guarded by its sequencer; the master is stopped; the session and the lock survive under
/// the new master; once the lock changes hands the old sequencer is refused by the cell and by a downstream
/// <see cref="SequencerValidator"/>.
/// </summary>
internal static class ChubbyTour
{
    private const string LockPath = "/ls/local/tour/lock";
    private const string DataPath = "/ls/local/tour/data";
    private static readonly MessageCodec Codec = new(ChubbyMessageTypes.CreateRegistry());
    private static readonly byte[] Secret = "quickstart chubby secret"u8.ToArray();
    private static readonly NodeId[] Members = [new(1), new(2), new(3)];

    public static async Task<bool> RunAsync(ILoggerFactory loggerFactory)
    {
        Console.WriteLine("== Chubby: a lock service on three replicas (durable logs); a lock held while the master is stopped");
        var folder = Directory.CreateTempSubdirectory("quickstart-chubby-");
        var replicas = new Replica?[3];
        var clients = new List<(TcpTransport Transport, MessageBus Bus, ChubbyClient Client)>();
        var ok = true;
        void Check(bool condition, string what)
        {
            Console.WriteLine($"   {(condition ? "" : "UNEXPECTED: ")}{what}");
            ok &= condition;
        }

        try
        {
            for (var i = 0; i < 3; i++)
            {
                replicas[i] = await Replica.StartAsync(new NodeAddress(Members[i], IPAddress.Loopback.ToString(), 0), Path.Combine(folder.FullName, $"n{i + 1}"), loggerFactory);
            }

            var addresses = replicas.Select(r => r!.Transport.BoundAddress).ToArray();
            foreach (var replica in replicas)
            {
                foreach (var address in addresses.Where(a => a.Id != replica!.Transport.LocalNode))
                {
                    replica!.Transport.AddOrUpdatePeer(address);
                }
            }

            async Task<ChubbyClient> ConnectAsync(ulong id, string principal)
            {
                var transport = CreateTransport(new NodeAddress(new NodeId(id), IPAddress.Loopback.ToString(), 0), loggerFactory);
                await transport.StartAsync();
                foreach (var address in addresses)
                {
                    transport.AddOrUpdatePeer(address);
                }

                foreach (var replica in replicas.Where(r => r is not null))
                {
                    replica!.Transport.AddOrUpdatePeer(transport.BoundAddress);
                }

                var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);

                // On loopback an unanswered call means a stopped replica, so a short timeout finds the new master quickly.
                var client = await ChubbyClient.ConnectAsync(bus, Members, TimeProvider.System,
                    new ChubbyClientOptions { Principal = principal, RequestTimeout = TimeSpan.FromSeconds(1) }, loggerFactory);
                clients.Add((transport, bus, client));
                return client;
            }

            // The first session waits for the election.
            var holder = await ConnectAsync(100, "tour");
            var master = replicas.Single(r => r!.Server.Id == holder.Master)!;
            Console.WriteLine($"   {master.Server.Id} is master (epoch {master.Server.MasterEpoch}); session {holder.SessionId} connected");

            await holder.OpenAsync("/ls/local/tour", OpenFlags.Create | OpenFlags.Directory);
            var lockFile = await holder.OpenAsync(LockPath, OpenFlags.Create);
            var sequencer = await lockFile.AcquireAsync();
            var data = await holder.OpenAsync(DataPath, OpenFlags.Create);
            data.SetSequencer(sequencer);
            var written = await data.SetContentsAsync("written by the lock holder"u8.ToArray());
            Console.WriteLine($"   session {holder.SessionId} holds {LockPath} (sequencer {sequencer}) and wrote {DataPath} guarded by it (content generation {written.ContentGeneration})");

            Console.WriteLine($"   stopping the master, {master.Server.Id}");
            var stoppedAt = Stopwatch.GetTimestamp();
            var stopped = Array.IndexOf(replicas, master);
            await master.DisposeAsync();
            replicas[stopped] = null;

            // The next call finds the new master; the write waits until every session has acknowledged the fail-over.
            var after = await data.SetContentsAsync("written again after the fail-over"u8.ToArray());
            var next = replicas.Single(r => r is not null && r.Server.Id == holder.Master)!.Server;
            Console.WriteLine($"   {next.Id} is master (epoch {next.MasterEpoch}); the guarded write went through it {Stopwatch.GetElapsedTime(stoppedAt).TotalSeconds:F1} s after the stop (content generation {after.ContentGeneration})");
            var other = await ConnectAsync(101, "tour");
            var contender = await other.OpenAsync(LockPath);
            Check(holder.State == ChubbySessionState.Safe && await other.CheckSequencerAsync(sequencer) && await contender.TryAcquireAsync() is null,
                $"session {holder.SessionId} survived ({holder.State}) and still holds the lock: the cell says its sequencer is current, and session {other.SessionId} cannot take it");

            await lockFile.ReleaseAsync();
            var successor = await contender.AcquireAsync();
            Console.WriteLine($"   released; session {other.SessionId} took the lock with sequencer {successor}");
            try
            {
                await data.SetContentsAsync("a write from a deposed holder"u8.ToArray());
                Check(false, "the cell accepted a write guarded by the old sequencer");
            }
            catch (ChubbyException exception) when (exception.Code == ChubbyErrorCode.StaleSequencer)
            {
                Check(true, $"the cell refuses a write guarded by the old sequencer ({exception.Code})");
            }

            var downstream = new SequencerValidator();
            await downstream.EnsureValidAsync(successor);
            Check(!await downstream.IsValidAsync(sequencer), $"a SequencerValidator that has seen {successor} rejects the stale {sequencer}");
            foreach (var (_, _, client) in clients)
            {
                await client.CloseSessionAsync();
            }

            return ok;
        }
        finally
        {
            foreach (var (transport, bus, client) in clients)
            {
                await client.DisposeAsync();
                await bus.DisposeAsync();
                await transport.DisposeAsync();
            }

            foreach (var replica in replicas.Where(r => r is not null))
            {
                await replica!.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private static TcpTransport CreateTransport(NodeAddress address, ILoggerFactory loggerFactory) => new(
        new TcpTransportOptions { LocalAddress = address, ClusterId = "quickstart-chubby", Codec = Codec, ClusterSecret = Secret },
        TimeProvider.System,
        RandomSource.FromEntropy(),
        loggerFactory);

    private sealed class Replica : IAsyncDisposable
    {
        private readonly MessageBus _bus;
        private readonly ILogStore _log;
        private readonly ISnapshotStore _snapshots;

        private Replica(TcpTransport transport, MessageBus bus, ChubbyServer server, ILogStore log, ISnapshotStore snapshots)
        {
            Transport = transport;
            _bus = bus;
            Server = server;
            _log = log;
            _snapshots = snapshots;
        }

        public TcpTransport Transport { get; }

        public ChubbyServer Server { get; }

        public static async Task<Replica> StartAsync(NodeAddress address, string folder, ILoggerFactory loggerFactory)
        {
            var transport = CreateTransport(address, loggerFactory);
            var bus = new MessageBus(transport, TimeProvider.System, loggerFactory: loggerFactory);
            var storage = new DiskFileStorage(folder);
            var log = await SegmentedLogStore.OpenAsync(storage);
            var snapshots = await FileSnapshotStore.OpenAsync(storage);
            var server = await ChubbyServer.StartAsync(new ChubbyServerOptions(), new RaftNodeOptions { NodeId = address.Id, InitialMembers = Members },
                log, snapshots, bus, TimeProvider.System, RandomSource.FromEntropy(), loggerFactory);
            await transport.StartAsync();
            return new Replica(transport, bus, server, log, snapshots);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await _bus.DisposeAsync();
            await Transport.DisposeAsync();
            await _log.DisposeAsync();
            await _snapshots.DisposeAsync();
        }
    }
}
