using System.Diagnostics;
using System.Net;
using Cluster.Core;
using Gfs;
using Microsoft.Extensions.Logging;
using Raft.Core;

namespace QuickStart;

/// <summary>
/// The Gfs step of the tour: a file system of three Raft-replicated masters and four chunkservers on two racks over loopback
/// TCP, with files in a temporary folder; a file written and read back, record appends from four clients at once, a snapshot
/// with copy-on-write, and a chunkserver stopped without losing a byte.
/// </summary>
internal static class GfsTour
{
    private const long ChunkSize = 256 * 1024;
    private const int Appenders = 4;
    private const int RecordsEach = 50;
    private static readonly MessageCodec Codec = new(GfsMessageTypes.CreateRegistry());
    private static readonly byte[] Secret = "quickstart gfs secret"u8.ToArray();
    private static readonly NodeId[] Masters = [new(1), new(2), new(3)];
    private static readonly NodeId[] Chunkservers = [new(11), new(12), new(13), new(14)];

    private static readonly MasterOptions MasterSettings = new()
    {
        ChunkSize = ChunkSize,
        LeaseDuration = TimeSpan.FromSeconds(10),
        ChunkserverTimeout = TimeSpan.FromSeconds(3),
        MaintenanceInterval = TimeSpan.FromMilliseconds(500),
        SettleTime = TimeSpan.FromSeconds(1),
        ChunkserverRpcTimeout = TimeSpan.FromSeconds(3),
    };

    public static async Task<bool> RunAsync(ILoggerFactory loggerFactory)
    {
        Console.WriteLine($"== Gfs: a file system of 3 masters (Raft) and 4 chunkservers on two racks, {ChunkSize / 1024} KiB chunks, 3 replicas of each");
        var folder = Directory.CreateTempSubdirectory("quickstart-gfs-");
        var members = new List<Member>();
        try
        {
            // Every transport listens first (on a port the system picks) and learns every address before any server starts,
            // so no message is ever sent to a node whose address is not known yet.
            var ids = Masters.Concat(Chunkservers).Concat(Enumerable.Range(100, Appenders).Select(i => new NodeId((ulong)i)));
            foreach (var id in ids)
            {
                members.Add(await Member.ListenAsync(id, loggerFactory));
            }

            foreach (var member in members)
            {
                foreach (var other in members.Where(o => o != member))
                {
                    member.Transport.AddOrUpdatePeer(other.Transport.BoundAddress);
                }
            }

            foreach (var member in members.Where(m => Masters.Contains(m.Id)))
            {
                await member.StartMasterAsync(Path.Combine(folder.FullName, member.Id.ToString()), loggerFactory);
            }

            var leader = await WaitForLeaderAsync(members);
            foreach (var member in members.Where(m => Chunkservers.Contains(m.Id)))
            {
                await member.StartChunkserverAsync(Path.Combine(folder.FullName, member.Id.ToString()), $"rack-{member.Id.Value % 2}", loggerFactory);
            }

            var clients = members.Where(m => m.Id.Value >= 100).Select(m => m.StartClient()).ToArray();
            while (leader.LiveChunkservers.Count < Chunkservers.Length)
            {
                await Task.Delay(50);
            }

            await Task.Delay(MasterSettings.SettleTime);
            var client = clients[0];

            // A file of eight chunks, written in 256 KiB pieces (each pushed along three replicas, then applied in order).
            var data = new byte[(int)(8 * ChunkSize)];
            new RandomSource(7).NextBytes(data);
            await client.CreateDirectoryAsync("/tour");
            await client.CreateFileAsync("/tour/data");
            var started = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < data.Length; offset += (int)ChunkSize)
            {
                await client.WriteAsync("/tour/data", offset, data.AsMemory(offset, (int)ChunkSize));
            }

            var written = Stopwatch.GetElapsedTime(started);
            var intact = (await ReadAllAsync(client, "/tour/data")).AsSpan().SequenceEqual(data);

            // Record append: the primary picks the offset, so four clients append to one file without coordinating.
            await client.CreateFileAsync("/tour/log");
            started = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select(async (c, a) =>
            {
                for (var i = 0; i < RecordsEach; i++)
                {
                    await c.AppendRecordAsync("/tour/log", GfsRecords.Encode((ulong)((a * RecordsEach) + i), new byte[500]));
                }
            }));
            var appended = Stopwatch.GetElapsedTime(started);
            var records = GfsRecords.Decode(await ReadAllAsync(client, "/tour/log"));
            var allRecords = records.Count == Appenders * RecordsEach;
            Console.WriteLine($"   {data.Length / 1024} KiB written in {written.TotalMilliseconds:0} ms and read back {(intact ? "intact" : "CORRUPT")}; " +
                              $"{Appenders} clients appended {Appenders * RecordsEach} records at once in {appended.TotalMilliseconds:0} ms, {records.Count} found{(allRecords ? ", each once" : " (MISMATCH)")}");

            // Snapshot: the copy shares every chunk; the first write to one copies that chunk first.
            started = Stopwatch.GetTimestamp();
            await client.SnapshotAsync("/tour", "/tour-snapshot");
            var snapshotMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var original = (byte[])data.Clone();
            var patch = new byte[4096];
            new RandomSource(8).NextBytes(patch);
            await client.WriteAsync("/tour/data", 0, patch);
            patch.CopyTo(data, 0);
            var copyOnWrite = (await ReadAllAsync(client, "/tour-snapshot/data")).AsSpan().SequenceEqual(original)
                              && (await ReadAllAsync(client, "/tour/data")).AsSpan().SequenceEqual(data);
            Console.WriteLine($"   snapshot of /tour in {snapshotMs:0} ms, no data copied; a write after it {(copyOnWrite ? "copied its chunk and left the snapshot unchanged" : "DAMAGED THE SNAPSHOT")}");

            // A chunkserver stops; reads go to the other replicas (one that tries the stopped server first waits out the timeout).
            var victim = members.First(m => m.Id == Chunkservers[1]);
            await victim.DisposeAsync();
            members.Remove(victim);
            started = Stopwatch.GetTimestamp();
            client.InvalidateCache();
            var survived = (await ReadAllAsync(client, "/tour/data")).AsSpan().SequenceEqual(data)
                           && GfsRecords.Decode(await ReadAllAsync(client, "/tour/log")).Count == Appenders * RecordsEach
                           && (await ReadAllAsync(client, "/tour-snapshot/data")).AsSpan().SequenceEqual(original);
            Console.WriteLine($"   chunkserver {victim.Id} stopped: all three files read back {(survived ? "intact" : "WRONG")} from the other replicas in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms");
            return intact && allRecords && copyOnWrite && survived;
        }
        finally
        {
            foreach (var member in members)
            {
                await member.DisposeAsync();
            }

            folder.Delete(recursive: true);
        }
    }

    private static async Task<MasterServer> WaitForLeaderAsync(List<Member> members)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (members.Select(m => m.Master).FirstOrDefault(s => s is not null && s.Node.Status.IsLeader) is { } leader)
            {
                return leader;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No GFS master was elected within 15 s.");
    }

    /// <summary>Reads a whole file: until a replica says it ends (the master's idea of the length lags by a heartbeat).</summary>
    private static async Task<byte[]> ReadAllAsync(GfsClient client, string path)
    {
        using var result = new MemoryStream();
        var buffer = new byte[ChunkSize];
        for (long offset = 0; ;)
        {
            var read = await client.ReadAsync(path, offset, buffer);
            if (read == 0)
            {
                return result.ToArray();
            }

            result.Write(buffer, 0, read);
            offset += read;
        }
    }

    /// <summary>One node: a transport and a bus, and whichever role it is given.</summary>
    private sealed class Member : IAsyncDisposable
    {
        private readonly ILoggerFactory _loggerFactory;
        private MessageBus? _bus;
        private ILogStore? _log;
        private ISnapshotStore? _snapshots;
        private ChunkServer? _chunkserver;
        private ChunkStore? _store;

        private Member(TcpTransport transport, ILoggerFactory loggerFactory)
        {
            Transport = transport;
            _loggerFactory = loggerFactory;
        }

        public TcpTransport Transport { get; }

        public NodeId Id => Transport.LocalNode;

        public MasterServer? Master { get; private set; }

        public static async Task<Member> ListenAsync(NodeId id, ILoggerFactory loggerFactory)
        {
            var transport = new TcpTransport(
                new TcpTransportOptions { LocalAddress = new NodeAddress(id, IPAddress.Loopback.ToString(), 0), ClusterId = "quickstart-gfs", Codec = Codec, ClusterSecret = Secret },
                TimeProvider.System,
                RandomSource.FromEntropy(),
                loggerFactory);
            await transport.StartAsync();
            return new Member(transport, loggerFactory);
        }

        public async Task StartMasterAsync(string folder, ILoggerFactory loggerFactory)
        {
            var storage = new DiskFileStorage(folder);
            _log = await SegmentedLogStore.OpenAsync(storage);
            _snapshots = await FileSnapshotStore.OpenAsync(storage);
            Master = await MasterServer.StartAsync(
                MasterSettings, new RaftNodeOptions { NodeId = Id, InitialMembers = Masters }, _log, _snapshots, Bus(), TimeProvider.System, RandomSource.FromEntropy(), loggerFactory);
        }

        public async Task StartChunkserverAsync(string folder, string rack, ILoggerFactory loggerFactory)
        {
            _store = await ChunkStore.OpenAsync(new DiskFileStorage(folder), new ChunkStoreOptions { ChunkSizeBytes = ChunkSize }, loggerFactory);
            _chunkserver = ChunkServer.Start(
                new ChunkServerOptions { Masters = Masters, Rack = rack, HeartbeatInterval = TimeSpan.FromMilliseconds(300), RpcTimeout = TimeSpan.FromSeconds(1) },
                _store, Bus(), TimeProvider.System, loggerFactory);
        }

        public GfsClient StartClient() => new(Bus(), Masters, TimeProvider.System, RandomSource.FromEntropy(), new GfsClientOptions
        {
            RpcTimeout = TimeSpan.FromSeconds(1),
            RetryDelay = TimeSpan.FromMilliseconds(50),
        });

        public async ValueTask DisposeAsync()
        {
            if (Master is not null)
            {
                await Master.DisposeAsync();
            }

            if (_chunkserver is not null)
            {
                await _chunkserver.DisposeAsync();
            }

            if (_bus is not null)
            {
                await _bus.DisposeAsync();
            }

            await Transport.DisposeAsync();
            if (_store is not null)
            {
                await _store.DisposeAsync();
            }

            if (_log is not null)
            {
                await _log.DisposeAsync();
            }

            if (_snapshots is not null)
            {
                await _snapshots.DisposeAsync();
            }
        }

        private MessageBus Bus() => _bus ??= new MessageBus(Transport, TimeProvider.System, loggerFactory: _loggerFactory);
    }
}
