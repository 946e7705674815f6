using Cluster.Core;
using Cluster.Simulation;
using Gfs.Tests.Chunkserver;
using Gfs.Tests.Infrastructure;
using static Gfs.Tests.EndToEnd.FailureTests;
using static Gfs.Tests.EndToEnd.ReadWriteTests;

namespace Gfs.Tests.EndToEnd;

/// <summary>
/// A GFS cell whose masters elect themselves with a Chubby lock and fence deposed masters with the lock's epoch; clients and
/// chunkservers find the master only through the lock file. A Chubby cell and the GFS cell run in one simulation.
/// </summary>
public sealed class ChubbyElectionTests
{
    [Test]
    public void The_master_holds_the_lock_and_everyone_finds_it_through_the_lock_file()
    {
        var cluster = new GfsSimCluster(seed: 61, chunkservers: 4, chubby: true);
        cluster.WaitForMaster();
        var data = Pattern(seed: 3, length: 150_000);
        var read = cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/c");
            await cluster.Client.WriteAsync("/c", 0, data);
            var buffer = new byte[data.Length];
            await cluster.Client.ReadAsync("/c", 0, buffer);
            return buffer;
        });
        Assert.That(read, Is.EqualTo(data));

        var master = cluster.Leader()!;
        Assert.That(master.IsMaster, Is.True);
        Assert.That(cluster.RunningMasters.Count(m => m.IsMaster), Is.EqualTo(1), "one master at a time");
        Assert.That(FileNames(cluster, cluster.ClientNodes[0]), Is.EqualTo(master.Node.Id), "the lock file names the master");
        Assert.That(master.StateMachine.LockGeneration, Is.GreaterThan(0UL), "the take-over logged the lock generation");
        foreach (var id in cluster.ChunkserverNodes)
        {
            var chunkserver = cluster.Chunkserver(id)!;
            Assert.That(chunkserver.Master, Is.EqualTo(master.Node.Id), $"{id} reports to the master the lock file names");
            Assert.That(chunkserver.MasterEpoch, Is.EqualTo(master.Epoch), $"{id} knows the master's epoch");
        }
    }

    [Test]
    public void A_master_cut_off_from_Chubby_stops_acting_and_hands_over_though_its_Raft_group_would_keep_it()
    {
        Seeds.Run(4, seed =>
        {
            var cluster = new GfsSimCluster(seed, chunkservers: 4, chubby: true);
            cluster.WaitForMaster();
            cluster.Run(async () =>
            {
                await cluster.Client.CreateFileAsync("/h");
                await cluster.Client.WriteAsync("/h", 0, Pattern(seed: 1, length: 20_000));
            });
            var old = cluster.Leader()!;
            var oldEpoch = old.Epoch;

            // Only Chubby is out of reach: the Raft group and every chunkserver still hear this master.
            foreach (var replica in cluster.ChubbyNodes)
            {
                cluster.Simulator.Network.Disconnect(old.Node.Id, replica);
            }

            var stillLeading = false;
            bool Stopped()
            {
                if (old.IsMaster)
                {
                    return false;
                }

                stillLeading = old.Node.Status.IsLeader;
                return true;
            }

            var stopped = RunCheckingOneMaster(cluster, Stopped, TimeSpan.FromSeconds(10));
            Assert.That(stopped, Is.True, $"seed {seed}: the master stopped acting once its Chubby session was in doubt");
            Assert.That(stillLeading, Is.True, $"seed {seed}: it stopped while Raft still had it lead: Chubby, not Raft, deposed it");
            var tookOver = RunCheckingOneMaster(cluster, () => cluster.RunningMasters.Any(m => m.IsMaster && m != old), TimeSpan.FromSeconds(20));
            Assert.That(tookOver, Is.True, $"seed {seed}: another master node took the lock and took over");

            var successor = cluster.RunningMasters.Single(m => m.IsMaster);
            Assert.That(successor.Epoch, Is.GreaterThan(oldEpoch), $"seed {seed}: the take-over logged a newer epoch");
            Assert.That(FileNames(cluster, cluster.ClientNodes[0]), Is.EqualTo(successor.Node.Id), $"seed {seed}: the lock file names the new master");
            var reported = RunCheckingOneMaster(
                cluster,
                () => cluster.ChunkserverNodes.All(n => cluster.Chunkserver(n)!.Master == successor.Node.Id && cluster.Chunkserver(n)!.MasterEpoch == successor.Epoch),
                TimeSpan.FromSeconds(10));
            Assert.That(reported, Is.True, $"seed {seed}: every chunkserver found the new master through the lock file");

            var data = Pattern(seed: 2, length: 60_000);
            var read = cluster.Run(async () =>
            {
                await cluster.Client.WriteAsync("/h", 10_000, data);
                var buffer = new byte[data.Length];
                await cluster.Client.ReadAsync("/h", 10_000, buffer);
                return buffer;
            });
            Assert.That(read, Is.EqualTo(data), $"seed {seed}: the client found the new master and wrote through it");

            // Back in touch with Chubby, the old master does not act again: it no longer leads the group, or its lock is gone.
            cluster.Simulator.Network.Heal();
            RunCheckingOneMaster(cluster, () => false, TimeSpan.FromSeconds(8));
            Assert.That(old.IsMaster, Is.False, $"seed {seed}: the old master stays deposed");
        });
    }

    [Test]
    public void Commands_a_partitioned_master_sent_before_it_lost_the_lock_are_refused_when_they_arrive_late()
    {
        var events = new EventCounter();
        var cluster = new GfsSimCluster(seed: 62, chunkservers: 4, chubby: true, logs: events);
        cluster.WaitForMaster();
        var first = Pattern(seed: 4, length: 30_000);
        cluster.Run(async () =>
        {
            await cluster.Client.CreateFileAsync("/f");
            await cluster.Client.WriteAsync("/f", 0, first);
        });
        cluster.Simulator.RunFor(GfsSimCluster.FastMaster.LeaseDuration * 2);
        var old = cluster.Leader()!;
        var oldEpoch = old.Epoch;
        var chunk = old.StateMachine.LookupForTests("/f")[0];

        // Everything the master sends the chunkservers now takes 8 s to arrive. A write makes it bump the chunk's version (in
        // the log, at once) and tell the replicas (SetVersion, arriving late); then it is cut off from the other master nodes,
        // Chubby and the clients, so it loses the lock and the group elects another master meanwhile.
        foreach (var server in cluster.ChunkserverNodes)
        {
            cluster.Simulator.Network.SetLink(old.Node.Id, server, new LinkOptions { MinLatency = TimeSpan.FromSeconds(8), MaxLatency = TimeSpan.FromSeconds(8) });
        }

        using var abandon = new CancellationTokenSource();
        cluster.Simulator.Schedule(TimeSpan.FromMilliseconds(300), () =>
        {
            cluster.Simulator.Network.Partition([old.Node.Id], [.. cluster.MasterNodes.Where(m => m != old.Node.Id), .. cluster.ChubbyNodes, .. cluster.ClientNodes]);
            abandon.Cancel();
        });
        cluster.Run(async () =>
        {
            try
            {
                await cluster.Client.WriteAsync("/f", 0, Pattern(seed: 5, length: 1_000), abandon.Token);
            }
            catch (OperationCanceledException)
            {
                // Abandoned once the master is cut off, so the next master has no write to lease the chunk for.
            }
        });
        Assert.That(old.StateMachine.LookupForTests("/f")[0].Version, Is.GreaterThan(chunk.Version), "the old master bumped the version before it was cut off");

        var tookOver = RunCheckingOneMaster(cluster, () => cluster.RunningMasters.Any(m => m.IsMaster && m != old), TimeSpan.FromSeconds(8));
        Assert.That(tookOver, Is.True, "a master took over before the old master's commands arrived");
        var successor = cluster.RunningMasters.Single(m => m.IsMaster);
        Assert.That(successor.Epoch, Is.GreaterThan(oldEpoch));

        RunCheckingOneMaster(cluster, () => false, TimeSpan.FromSeconds(6));
        Assert.That(events[4105], Is.GreaterThan(0), "chunkservers refused the deposed master's late commands (event 4105)");
        Assert.That(cluster.ChunkserverNodes.Select(n => cluster.Chunkserver(n)!.MasterEpoch), Is.All.EqualTo(successor.Epoch));

        // The bump the old master logged but never granted a lease at did not cost the replicas: the new master raised them.
        cluster.Simulator.Network.Heal();
        var read = cluster.Run(async () =>
        {
            cluster.Client.InvalidateCache();
            var buffer = new byte[first.Length];
            await cluster.Client.ReadAsync("/f", 0, buffer);
            return buffer;
        });
        Assert.That(read, Is.EqualTo(first), "the chunk kept its data");
        AssertReplicasIdentical(cluster, "/f", first);
    }

    [Test]
    public void Record_appends_continue_across_a_hand_over_and_no_acknowledged_record_is_lost()
    {
        Seeds.Run(12, seed =>
        {
            var cluster = new GfsSimCluster(seed, chunkservers: 4, clients: 3, chubby: true);
            cluster.WaitForMaster();
            cluster.Run(() => cluster.Client.CreateFileAsync("/log"));
            var old = cluster.Leader()!;
            cluster.Simulator.Schedule(TimeSpan.FromMilliseconds(200 + (long)(seed % 5 * 100)), () =>
            {
                // Odd seeds: the master dies. Even seeds: it loses Chubby and must step down though it runs on.
                if (seed % 2 == 1)
                {
                    cluster.CrashMaster(old.Node.Id);
                }
                else
                {
                    foreach (var replica in cluster.ChubbyNodes)
                    {
                        cluster.Simulator.Network.Disconnect(old.Node.Id, replica);
                    }
                }
            });

            // Each client appends until it has had ten records acknowledged by the new master's chunk leases.
            var acknowledged = new List<ulong>();
            var afterHandOver = new int[cluster.ClientNodes.Count];
            cluster.Run(async () =>
            {
                await Task.WhenAll(cluster.ClientNodes.Select(async (node, c) =>
                {
                    var client = cluster.ClientOn(node);
                    for (var i = 0; i < 1000 && afterHandOver[c] < 10; i++)
                    {
                        var id = (ulong)((c * 10_000) + i);
                        await client.AppendRecordAsync("/log", GfsRecords.Encode(id, Pattern((int)id, 2000 + (i % 20 * 31))));
                        acknowledged.Add(id);
                        if (cluster.RunningMasters.Any(m => m.IsMaster && m != old))
                        {
                            afterHandOver[c]++;
                        }
                    }
                }));
            });

            Assert.That(afterHandOver, Is.All.EqualTo(10), $"seed {seed}: another master took over and every client appended through it");
            var records = ReadRecords(cluster, "/log");
            Assert.That(records.Select(r => r.Id), Is.SupersetOf(acknowledged), $"seed {seed}: every acknowledged record is in the file");
        });
    }

    [Test]
    public void The_same_seed_gives_the_same_trace_with_a_Chubby_hand_over()
    {
        ulong RunOnce()
        {
            var cluster = new GfsSimCluster(seed: 63, chunkservers: 4, clients: 2, chubby: true);
            cluster.WaitForMaster();
            cluster.Run(() => cluster.Client.CreateFileAsync("/t"));
            var old = cluster.Leader()!.Node.Id;
            AppendConcurrently(cluster, "/t", perClient: 10, duringAppends: () =>
                cluster.Simulator.Schedule(TimeSpan.FromMilliseconds(150), () => cluster.CrashMaster(old)));
            return cluster.Simulator.TraceHash;
        }

        var first = RunOnce();
        var second = RunOnce();
        Assert.That(second, Is.EqualTo(first));
    }

    /// <summary>Runs until <paramref name="done"/>, failing the moment two master nodes act as master at once.</summary>
    internal static bool RunCheckingOneMaster(GfsSimCluster cluster, Func<bool> done, TimeSpan timeout) =>
        cluster.Simulator.RunUntil(
            () =>
            {
                var acting = cluster.RunningMasters.Where(m => m.IsMaster).Select(m => m.Node.Id).ToList();
                Assert.That(acting, Has.Count.LessThanOrEqualTo(1), $"two masters acted at once at {cluster.Simulator.Now}: {string.Join(", ", acting)}");
                return done();
            },
            timeout);

    /// <summary>The master as the lock file names it, read through <paramref name="node"/>'s own Chubby session.</summary>
    internal static NodeId FileNames(GfsSimCluster cluster, NodeId node) =>
        cluster.Run(() => cluster.MasterLockOf(node).FindMasterAsync());
}
