using Cluster.Core;
using Cluster.Simulation;

namespace Raft.Core.Tests.Hosting;

/// <summary>
/// The replicated key-value store under a random nemesis — partitions (also one-way), crashes (with torn writes), pauses, loss and
/// duplication bursts, disk stalls — with logs and snapshots on the simulated disks (so a crash loses unsynced writes and tears
/// the last one), and clients that retry through sessions. Every history must be linearizable, no acknowledged
/// write may be lost, and the safety properties are checked throughout. <c>SIM_SEEDS=N</c> runs N seeds (default 300).
/// </summary>
public sealed class KeyValueNemesisTests
{
    private static readonly string[] Keys = ["a", "b", "c"];
    private static readonly TimeSpan FaultPeriod = TimeSpan.FromSeconds(6);

    [Test]
    public void Histories_AreLinearizable_UnderRandomFaults() => Seeds.Run(300, seed => RunOnce(seed, ReadOnlyMode.ReadIndex, 3));

    /// <summary>Lease reads (no heartbeat round per read) stay linearizable: the simulated clocks do not drift.</summary>
    [Test]
    public void Histories_AreLinearizable_UnderRandomFaults_WithLeaseReads() => Seeds.Run(100, seed => RunOnce(seed, ReadOnlyMode.LeaseBased, 3));

    [Test]
    public void Histories_AreLinearizable_UnderRandomFaults_FiveNodes() => Seeds.Run(100, seed => RunOnce(seed, ReadOnlyMode.ReadIndex, 5));

    private static void RunOnce(ulong seed, ReadOnlyMode reads, int size)
    {
        var members = Enumerable.Range(1, size).Select(i => new NodeId((ulong)i)).ToList();
        var cluster = new RaftSimCluster(
            seed, size, id => RaftSimCluster.DefaultOptions(id, members, reads, snapshotThresholdEntries: 50), durable: true);
        var sim = cluster.Simulator;
        var history = new History<KeyValueInput, KeyValueOutput>(sim.TimeProvider);
        var clients = Enumerable.Range(0, 4).Select(i => cluster.AddClient(new NodeId(100 + (ulong)i))).ToList();
        var nemesis = new Nemesis(sim, new NemesisOptions { Targets = cluster.Members, MeanInterval = TimeSpan.FromMilliseconds(400) });
        var random = sim.Random.Fork();
        var acknowledged = new List<(string Key, string Value)>();

        nemesis.Start();
        var workers = new List<Task>();
        sim.Run(() =>
        {
            for (var c = 0; c < clients.Count; c++)
            {
                workers.Add(ClientLoopAsync(c, clients[c], history, random.Fork(), sim.TimeProvider, sim.Now + FaultPeriod, acknowledged));
            }

            return Task.CompletedTask;
        });

        // Faults for a while, checking safety as it goes.
        var faultsUntil = sim.Now + FaultPeriod;
        while (sim.Now < faultsUntil)
        {
            sim.RunFor(TimeSpan.FromMilliseconds(50));
            cluster.CheckSafety();
        }

        nemesis.Stop();
        nemesis.HealAll();
        foreach (var id in cluster.Members.Where(m => !cluster.Simulated(m).IsUp))
        {
            cluster.Restart(id);
        }

        Assert.That(sim.RunUntil(() => workers.All(w => w.IsCompleted), TimeSpan.FromSeconds(60)), Is.True, "clients did not finish after the faults healed");
        foreach (var worker in workers)
        {
            worker.GetAwaiter().GetResult();
        }

        // Final reads through a client: every acknowledged append must be there.
        var final = cluster.Run(async () =>
        {
            var values = new Dictionary<string, string?>();
            foreach (var key in Keys)
            {
                var invoked = history.Invoke(99, KeyValueInput.Get(key));
                var value = KvStateMachine.DecodeResult(await clients[0].ReadAsync(KvCommand.Get(key).Encode()));
                invoked.Ok(KeyValueOutput.Found(value));
                values[key] = value;
            }

            return values;
        });
        foreach (var (key, value) in acknowledged)
        {
            Assert.That(final[key], Does.Contain(value), $"acknowledged append {value} to {key} was lost");
        }

        cluster.CheckSafety();
        var operations = history.ToOperations();
        TestContext.Out.WriteLine($"seed {seed}: {operations.Count} operations ({operations.Count(o => !o.OutcomeKnown)} unknown), {acknowledged.Count} acknowledged appends, " +
            $"faults {string.Join(' ', nemesis.Counts.Select(c => $"{c.Key}={c.Value}"))}, {sim.Now.TotalSeconds:F1} s virtual");
        LinearizabilityChecker.Check(history, new KeyValueModel()).EnsureLinearizable();
        Assert.That(nemesis.FaultsInjected, Is.GreaterThan(0));
    }

    private static async Task ClientLoopAsync(
        int id,
        RaftClient client,
        History<KeyValueInput, KeyValueOutput> history,
        RandomSource random,
        TimeProvider time,
        TimeSpan until,
        List<(string Key, string Value)> acknowledged)
    {
        // Clients keep going through the whole fault period (virtual time starts at zero).
        for (var n = 0; time.GetUtcNow() - SimulatorOptions.DefaultEpoch < until; n++)
        {
            var key = Keys[random.Next(Keys.Length)];
            if (random.Chance(0.4))
            {
                var read = history.Invoke(id, KeyValueInput.Get(key));
                try
                {
                    read.Ok(KeyValueOutput.Found(KvStateMachine.DecodeResult(await client.ReadAsync(KvCommand.Get(key).Encode()))));
                }
                catch (TimeoutException)
                {
                    read.Fail(); // a read has no effect, so a failed one can be left out
                }
            }
            else
            {
                var value = $"{id}.{n};";
                var write = history.Invoke(id, KeyValueInput.Append(key, value));
                try
                {
                    await client.ExecuteAsync(KvCommand.Append(key, value).Encode());
                    write.Ok(KeyValueOutput.Done);
                    acknowledged.Add((key, value));
                }
                catch (Exception exception) when (exception is TimeoutException or SessionExpiredException)
                {
                    write.Unknown();
                    if (exception is SessionExpiredException)
                    {
                        await client.ResetSessionAsync();
                    }
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 150)), time);
        }
    }
}
