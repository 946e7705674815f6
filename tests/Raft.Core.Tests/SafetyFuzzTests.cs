using System.Globalization;
using Cluster.Core;
using Raft.Core.Tests.Infrastructure;
using static Raft.Core.Tests.Infrastructure.Msg;

namespace Raft.Core.Tests;

/// <summary>
/// Randomized runs over many seeds: message loss, duplication and reordering, partitions (also one-way), crashes that restart from
/// persisted state, compaction, reads, transfers and membership changes. The <see cref="SafetyChecker"/> runs after every step.
/// <c>SIM_SEEDS=N</c> runs N seeds; <c>SIM_SEED=S</c> replays one.
/// </summary>
public sealed class SafetyFuzzTests
{
    private const int DefaultSeeds = 100;
    private const int Steps = 2000;

    public static IEnumerable<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SIM_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one))
        {
            return [one];
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("SIM_SEEDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : DefaultSeeds;
        return Enumerable.Range(0, count);
    }

    [TestCaseSource(nameof(Seeds))]
    public void Safety_holds_under_random_faults(int seed)
    {
        try
        {
            Run(seed);
        }
        catch (Exception error) when (error is not SuccessException)
        {
            Assert.Fail($"seed {seed} failed: {error.Message}\nReplay: SIM_SEED={seed} dotnet test tests/Raft.Core.Tests --filter Safety_holds_under_random_faults\n{error.StackTrace}");
        }
    }

    [TestCaseSource(nameof(Seeds))]
    public void Lease_reads_stay_linearizable_when_clocks_tick_together(int seed)
    {
        try
        {
            Run(seed, lease: true);
        }
        catch (Exception error) when (error is not SuccessException)
        {
            Assert.Fail($"seed {seed} failed: {error.Message}\nReplay: SIM_SEED={seed} dotnet test tests/Raft.Core.Tests --filter Lease_reads_stay_linearizable\n{error.StackTrace}");
        }
    }

    [Test]
    public void The_same_seed_produces_the_same_run()
    {
        var first = Run(11);
        var second = Run(11);
        Assert.That(second.Fingerprint, Is.EqualTo(first.Fingerprint));
    }

    [Test]
    public void The_random_runs_exercise_every_feature()
    {
        var delivered = new Dictionary<MessageType, int>();
        var configChanges = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var run = Run(seed);
            configChanges += run.ConfigChangesApplied;
            foreach (var (type, count) in run.Delivered)
            {
                delivered[type] = delivered.GetValueOrDefault(type) + count;
            }
        }

        TestContext.Out.WriteLine(string.Join(", ", delivered.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")) + $", config changes={configChanges}");
        Assert.Multiple(() =>
        {
            foreach (var type in Enum.GetValues<MessageType>())
            {
                Assert.That(delivered.GetValueOrDefault(type), Is.GreaterThan(0), $"{type} messages are delivered");
            }

            Assert.That(configChanges, Is.GreaterThan(10), "membership changes are applied");
        });
    }

    private static readonly ConfigChange[] Changes =
    [
        ConfigChange.AddVoter(N(4)),
        ConfigChange.AddVoter(N(5)),
        ConfigChange.AddLearner(N(4)),
        ConfigChange.AddLearner(N(5)),
        ConfigChange.RemoveNode(N(4)),
        ConfigChange.RemoveNode(N(5)),
        ConfigChange.LeaveJoint(),
        new() { Items = [new(ConfigChangeType.AddVoter, N(4)), new(ConfigChangeType.AddVoter, N(5))] },
        new() { Items = [new(ConfigChangeType.RemoveNode, N(4)), new(ConfigChangeType.AddLearner, N(5))] },
        new() { Items = [new(ConfigChangeType.AddLearner, N(4)), new(ConfigChangeType.AddVoter, N(5))], Transition = ConfigChangeTransition.JointExplicit },
    ];

    private sealed record RunResult(string Fingerprint, Dictionary<MessageType, int> Delivered, int ConfigChangesApplied);

    /// <summary>Runs one seed; returns a fingerprint of the final state of every node and what happened.</summary>
    /// <remarks>
    /// With <paramref name="lease"/>, reads use <see cref="ReadOnlyMode.LeaseBased"/> and every tick advances all live nodes
    /// together, since leases are only safe when clocks run at (nearly) the same rate.
    /// </remarks>
    private static RunResult Run(int seed, bool lease = false)
    {
        var rng = new Random(seed);
        var options = new RaftOptions
        {
            PreVote = rng.Next(2) == 0,
            CheckQuorum = lease || rng.Next(2) == 0,
            MaxSizePerMessageBytes = 64 + rng.Next(256),
            MaxInflightMessages = 1 + rng.Next(8),
            MaxInflightBytes = 4096,
            ReadOnlyMode = lease ? ReadOnlyMode.LeaseBased : ReadOnlyMode.ReadIndex,
        };
        var net = new TestNetwork(seed, options, 1, 2, 3, 4, 5);
        var checker = new SafetyChecker(net);
        var readFloor = new Dictionary<int, ulong>();
        var proposals = 0;
        var nodes = net.Nodes.Values.ToList();
        for (var step = 0; step < Steps; step++)
        {
            var roll = rng.Next(100);
            var node = nodes[rng.Next(nodes.Count)];
            switch (roll)
            {
                case < 35:
                    if (net.Queue.Count > 0)
                    {
                        net.DeliverAt(rng.Next(net.Queue.Count));
                    }

                    break;
                case < 38:
                    if (net.Queue.Count > 0)
                    {
                        net.Queue.Add(net.Queue[rng.Next(net.Queue.Count)]);
                    }

                    break;
                case < 43:
                    if (net.Queue.Count > 0)
                    {
                        net.Queue.RemoveAt(rng.Next(net.Queue.Count));
                    }

                    break;
                case < 63 when lease:
                    foreach (var live in net.Live.ToList())
                    {
                        live.Core.Tick();
                        checker.Check();
                        net.ProcessReady(live);
                    }

                    break;
                case < 63:
                    if (!node.IsDown)
                    {
                        node.Core.Tick();
                        checker.Check();
                        net.ProcessReady(node);
                    }

                    break;
                case < 76:
                    if (net.Leader is { } leader)
                    {
                        Try(() => leader.Core.Propose(System.Text.Encoding.UTF8.GetBytes($"s{seed}-{proposals++}")));
                        net.ProcessReady(leader);
                    }

                    break;
                case < 80:
                    if (rng.Next(3) == 0)
                    {
                        net.Recover();
                    }
                    else
                    {
                        var other = nodes[rng.Next(nodes.Count)];
                        if (other != node)
                        {
                            if (rng.Next(2) == 0)
                            {
                                net.Cut(node.Id.Value, other.Id.Value);
                            }
                            else
                            {
                                net.CutOneWay(node.Id.Value, other.Id.Value);
                            }
                        }
                    }

                    break;
                case < 83:
                    if (node.IsDown)
                    {
                        node.Restart();
                        node.IsDown = false;
                        net.ProcessReady(node);
                    }
                    else if (nodes.Count(n => n.IsDown) < 2)
                    {
                        node.IsDown = true;
                    }

                    break;
                case < 86:
                    if (!node.IsDown)
                    {
                        node.Compact((ulong)rng.Next(6));
                    }

                    break;
                case < 89:
                    if (!node.IsDown)
                    {
                        // A linearizable read must observe every entry committed anywhere before it was requested.
                        readFloor[step] = net.Nodes.Values.Max(n => n.Core.CommitIndex);
                        Try(() => node.Core.ReadIndex(BitConverter.GetBytes(step)));
                        net.ProcessReady(node);
                    }

                    break;
                case < 91:
                    if (net.Leader is { } from)
                    {
                        Try(() => from.Core.TransferLeadership(node.Id));
                        net.ProcessReady(from);
                    }

                    break;
                case < 93:
                    if (net.Leader is { } changer)
                    {
                        // Nodes 1-3 always vote; 4 and 5 come and go as voters or learners, alone or jointly.
                        var change = Changes[rng.Next(Changes.Length)];
                        Try(() => changer.Core.ProposeConfigChange(change));
                        net.ProcessReady(changer);
                    }

                    break;
                default:
                    foreach (var live in net.Live.ToList())
                    {
                        live.Core.Tick();
                        checker.Check();
                        net.ProcessReady(live);
                    }

                    break;
            }
        }

        // Heal everything; the cluster must then make progress and converge.
        net.Recover();
        foreach (var down in nodes.Where(n => n.IsDown))
        {
            down.Restart();
            down.IsDown = false;
        }

        net.Stabilize();
        TestNode? final = null;
        for (var round = 0; round < 300 && final is null; round++)
        {
            net.TickAll(1);
            if (net.Leader is { } leader && leader.Core.LeadTransferee.IsNone)
            {
                Try(() => leader.Core.Propose("final"u8.ToArray()));
                net.TickAll(30);
                final = net.Leader is { } now && now.StateMachine.Contains("final") ? now : null;
            }
        }

        Assert.That(final, Is.Not.Null, "after healing, a leader is elected and commits a proposal\n" + Describe(net));
        // Laggards may need a snapshot retry (SnapshotRetryTicks) before they catch up.
        bool Converged() => net.Leader is { } l && l.Core.Configuration.AllMembers().All(m => net.Nodes[m].StateMachine.SequenceEqual(l.StateMachine));
        for (var round = 0; round < 200 && !Converged(); round++)
        {
            net.TickAll(1);
        }

        Assert.That(Converged(), Is.True, "every member converges to the leader's state\n" + Describe(net));

        Assert.That(checker.Violations, Is.Empty);
        foreach (var node in nodes)
        {
            foreach (var read in node.ReadStates)
            {
                var step = BitConverter.ToInt32(read.Context.Span);
                Assert.That(read.Index, Is.GreaterThanOrEqualTo(readFloor[step]), $"read {step} on {node.Id} is linearizable");
            }
        }

        var fingerprint = string.Join('|', nodes.Select(n => $"{n.Id}:{n.Core.Term}:{n.Core.Role}:{n.Core.CommitIndex}:{n.StateMachine.Count}:{string.Join(',', n.StateMachine)}"));
        var delivered = net.Delivered.GroupBy(m => m.Type).ToDictionary(g => g.Key, g => g.Count());
        var configChanges = nodes.Sum(n => n.AppliedEntries.Count(e => e.Kind == EntryKind.ConfigChange && e.Index > 1));
        return new RunResult(fingerprint, delivered, configChanges);
    }

    private static string Describe(TestNetwork net) => string.Join('\n', net.Nodes.Values.Select(n =>
        $"{n.Id}: {n.Core.Role} term={n.Core.Term} vote={n.Core.Vote} leader={n.Core.Leader} commit={n.Core.CommitIndex} applied={n.Core.AppliedIndex} " +
        $"last={n.Core.LastIndex}/{n.Core.LastTerm} first={n.Core.Log.FirstIndex} config={n.Core.Configuration} transferee={n.Core.LeadTransferee} " +
        $"progress=[{string.Join(", ", n.Core.Tracker.Progress.Select(p => $"{p.Key}:{p.Value}"))}]"));

    private static void Try(Action action)
    {
        try
        {
            action();
        }
        catch (NotLeaderException)
        {
        }
        catch (ProposalRejectedException)
        {
        }
        catch (InvalidOperationException)
        {
            // A configuration change that is not allowed right now (for example, while joint).
        }
        catch (ArgumentException)
        {
            // A transfer to a node that is not a voter.
        }
    }
}
