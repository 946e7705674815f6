using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>
/// Injects faults drawn from the simulation's seed: partitions (majority/minority, one-way, isolation),
/// crashes and restarts (some with a torn write), pauses, loss and duplication bursts, and disk stalls.
/// Each fault heals itself after a random duration; <see cref="HealAll"/> ends them all at once.
/// </summary>
/// <remarks>
/// At most one network fault and one link burst are active at a time, and at most
/// <see cref="NemesisOptions.MaxNodesDown"/> targets are crashed or paused, so a cluster that should
/// survive a minority of failures keeps a working majority.
/// </remarks>
public sealed class Nemesis
{
    private static readonly FaultKind[] AllKinds = Enum.GetValues<FaultKind>();

    private readonly Simulator _simulator;
    private readonly NemesisOptions _options;
    private readonly RandomSource _random;
    private readonly List<ActiveFault> _active = [];
    private readonly Dictionary<FaultKind, int> _counts = [];
    private readonly (FaultKind Kind, int Weight)[] _weights;
    private readonly int _totalWeight;
    private bool _running;
    private long _generation;
    private bool _networkFaultActive;
    private bool _burstActive;

    /// <summary>Creates a nemesis for <paramref name="simulator"/>, forking its random source from the simulator's.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public Nemesis(Simulator simulator, NemesisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        _options = options ?? new NemesisOptions();
        _options.Validate();
        _simulator = simulator;
        _random = simulator.Random.Fork();
        _weights = AllKinds
            .Select(kind => (kind, _options.Weights is null ? 1 : _options.Weights.GetValueOrDefault(kind)))
            .Where(entry => entry.Item2 > 0)
            .ToArray();
        _totalWeight = _weights.Sum(entry => entry.Weight);
    }

    /// <summary>How many faults of each kind were injected.</summary>
    public IReadOnlyDictionary<FaultKind, int> Counts => _counts;

    /// <summary>How many faults were injected in all.</summary>
    public int FaultsInjected => _counts.Values.Sum();

    /// <summary>How many faults are in effect now.</summary>
    public int ActiveFaults => _active.Count;

    /// <summary>Whether new faults are being drawn.</summary>
    public bool IsRunning => _running;

    /// <summary>Starts drawing faults; the first comes after one interval.</summary>
    public void Start()
    {
        _simulator.AssertOnSimulatorThread();
        if (_running)
        {
            return;
        }

        _running = true;
        var generation = ++_generation;
        _simulator.Schedule(NextInterval(), () => Tick(generation));
    }

    /// <summary>Stops drawing new faults; those in effect still heal on their schedule.</summary>
    public void Stop()
    {
        _running = false;
        _generation++;
    }

    /// <summary>Stops the nemesis and heals every fault in effect now: restarts, resumes, heals the network, unstalls disks.</summary>
    public void HealAll()
    {
        Stop();
        foreach (var fault in _active.ToArray())
        {
            End(fault);
        }
    }

    private void Tick(long generation)
    {
        if (!_running || generation != _generation)
        {
            return;
        }

        Inject(PickKind());
        _simulator.Schedule(NextInterval(), () => Tick(generation));
    }

    private FaultKind PickKind()
    {
        var draw = _random.Next(_totalWeight);
        foreach (var (kind, weight) in _weights)
        {
            if (draw < weight)
            {
                return kind;
            }

            draw -= weight;
        }

        return _weights[^1].Kind;
    }

    private void Inject(FaultKind kind)
    {
        var targets = (_options.Targets ?? _simulator.Network.NodeIds).ToArray();
        if (targets.Length == 0)
        {
            return;
        }

        switch (kind)
        {
            case FaultKind.Partition or FaultKind.OneWayPartition or FaultKind.Isolate when !_networkFaultActive && targets.Length > 1:
                InjectNetworkFault(kind, targets);
                break;
            case FaultKind.Crash or FaultKind.CrashWithTornWrite or FaultKind.Pause:
                InjectNodeFault(kind, targets);
                break;
            case FaultKind.LossBurst or FaultKind.DuplicateBurst when !_burstActive:
                InjectBurst(kind);
                break;
            case FaultKind.DiskStall:
                InjectDiskStall(targets);
                break;
            default:
                // The kind drawn cannot apply now (one of its sort is already active); skip this round.
                break;
        }
    }

    private void InjectNetworkFault(FaultKind kind, NodeId[] targets)
    {
        var network = _simulator.Network;
        string description;
        switch (kind)
        {
            case FaultKind.Partition:
                var (majority, minority) = network.PartitionMajorityMinority(targets);
                description = $"partition [{string.Join(",", majority)}] | [{string.Join(",", minority)}]";
                break;
            case FaultKind.OneWayPartition:
                var mute = targets[_random.Next(targets.Length)];
                network.IsolateOutgoing(mute);
                description = $"one-way partition: {mute} cannot send";
                break;
            default:
                var isolated = targets[_random.Next(targets.Length)];
                network.Isolate(isolated);
                description = $"isolate {isolated}";
                break;
        }

        _networkFaultActive = true;
        Begin(kind, description, () =>
        {
            network.Heal();
            _networkFaultActive = false;
        });
    }

    private void InjectNodeFault(FaultKind kind, NodeId[] targets)
    {
        var maxDown = _options.MaxNodesDown ?? ((targets.Length - 1) / 2);
        var down = targets.Count(id => !_simulator.GetNode(id).IsUp || _simulator.GetNode(id).IsPaused);
        var candidates = targets.Where(id => _simulator.GetNode(id).State == NodeState.Running).ToArray();
        if (down >= maxDown || candidates.Length == 0)
        {
            return;
        }

        var node = _simulator.GetNode(candidates[_random.Next(candidates.Length)]);
        if (kind == FaultKind.Pause)
        {
            node.Pause();
            Begin(kind, $"pause {node.Id}", () =>
            {
                if (node.IsPaused)
                {
                    node.Resume();
                }
            });
            return;
        }

        node.Crash(tearLastWrite: kind == FaultKind.CrashWithTornWrite);
        Begin(kind, $"crash {node.Id}{(kind == FaultKind.CrashWithTornWrite ? " with a torn write" : "")}", () =>
        {
            if (node.State == NodeState.Crashed)
            {
                node.Restart();
            }
        });
    }

    private void InjectBurst(FaultKind kind)
    {
        var network = _simulator.Network;
        var saved = network.DefaultLink;
        network.DefaultLink = kind == FaultKind.LossBurst
            ? saved.WithFaults(_options.BurstLossProbability, saved.DuplicateProbability)
            : saved.WithFaults(saved.LossProbability, _options.BurstDuplicateProbability);
        _burstActive = true;
        Begin(kind, kind == FaultKind.LossBurst ? "loss burst" : "duplication burst", () =>
        {
            network.DefaultLink = saved;
            _burstActive = false;
        });
    }

    private void InjectDiskStall(NodeId[] targets)
    {
        var candidates = targets.Where(id => _simulator.GetNode(id).IsUp && !_simulator.GetNode(id).Disk.IsStalled).ToArray();
        if (candidates.Length == 0)
        {
            return;
        }

        var chosen = candidates[_random.Next(candidates.Length)];
        var disk = _simulator.GetNode(chosen).Disk;
        disk.Stall();
        Begin(FaultKind.DiskStall, $"stall the disk of {chosen}", () =>
        {
            if (disk.IsStalled)
            {
                disk.Unstall();
            }
        });
    }

    private void Begin(FaultKind kind, string description, Action undo)
    {
        _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
        var fault = new ActiveFault(kind, undo);
        _active.Add(fault);
        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, 0, 100 + (ulong)kind);
        if (_simulator.Trace.IsTextEnabled)
        {
            _simulator.TraceLine($"nemesis: {description}");
        }

        Log.NemesisFault(_simulator.Logger, description, _simulator.Now);
        var span = _options.MaxDuration.Ticks - _options.MinDuration.Ticks;
        var duration = _options.MinDuration.Ticks + (span == 0 ? 0 : (long)_random.NextUInt64((ulong)span + 1));
        _simulator.Schedule(new TimeSpan(duration), () => End(fault));
    }

    private void End(ActiveFault fault)
    {
        if (!_active.Remove(fault))
        {
            return;
        }

        _simulator.Trace.Record(TraceEventKind.Fault, _simulator.NowTicks, 0, 200 + (ulong)fault.Kind);
        fault.Undo();
    }

    private TimeSpan NextInterval()
    {
        var mean = _options.MeanInterval.Ticks / _options.Intensity;
        return new TimeSpan(1 + (long)_random.NextUInt64((ulong)Math.Max(2, 2 * mean)));
    }

    private sealed class ActiveFault(FaultKind kind, Action undo)
    {
        public FaultKind Kind { get; } = kind;

        public Action Undo { get; } = undo;
    }
}
