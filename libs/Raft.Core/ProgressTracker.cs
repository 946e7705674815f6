using Cluster.Core;

namespace Raft.Core;

/// <summary>The configuration together with the leader's <see cref="Progress"/> for every member, and the votes of an election.</summary>
internal sealed class ProgressTracker
{
    private readonly RaftOptions _options;
    private readonly Dictionary<NodeId, Progress> _progress = [];
    private readonly Dictionary<NodeId, bool> _votes = [];

    public ProgressTracker(RaftOptions options) => _options = options;

    public ConfigurationState Configuration { get; private set; } = ConfigurationState.Empty;

    /// <remarks>The concrete dictionary, so that enumerating it on every broadcast does not box an enumerator.</remarks>
    public Dictionary<NodeId, Progress> Progress => _progress;

    public bool IsVoter(NodeId id) => Configuration.IsVoter(id);

    /// <summary>Switches configuration, keeping the progress of members that stay and creating it for new ones.</summary>
    public void SetConfiguration(ConfigurationState configuration, ulong lastIndex)
    {
        Configuration = configuration;
        var members = configuration.AllMembers();
        foreach (var gone in _progress.Keys.Except(members).ToList())
        {
            _progress.Remove(gone);
        }

        foreach (var id in members)
        {
            if (!_progress.TryGetValue(id, out var progress))
            {
                // A new member starts probing from the end of the leader's log, as after an election (Raft §5.3).
                progress = NewProgress(lastIndex, false);
                _progress[id] = progress;
            }

            progress.IsLearner = configuration.Learners.Contains(id);
        }
    }

    public void ResetProgress(ulong lastIndex, NodeId self)
    {
        foreach (var id in _progress.Keys.ToList())
        {
            var progress = NewProgress(lastIndex, _progress[id].IsLearner);
            if (id == self)
            {
                progress.Match = lastIndex;
            }

            _progress[id] = progress;
        }
    }

    private Progress NewProgress(ulong lastIndex, bool isLearner) =>
        new(lastIndex + 1, _options.MaxInflightMessages, _options.MaxInflightBytes, isLearner);

    /// <summary>The highest index replicated on a quorum (joint-aware).</summary>
    /// <remarks>Runs for every acknowledgement, so it reads the match indexes into a stack buffer instead of calling back through a delegate.</remarks>
    public ulong CommittedIndex()
    {
        var value = Math.Min(MajorityMatch(Configuration.Voters), MajorityMatch(Configuration.VotersOutgoing));
        return value == ulong.MaxValue ? 0 : value;
    }

    private ulong MajorityMatch(IReadOnlyList<NodeId> voters)
    {
        const int StackLimit = 32;
        var values = voters.Count <= StackLimit ? stackalloc ulong[voters.Count] : new ulong[voters.Count];
        for (var i = 0; i < voters.Count; i++)
        {
            values[i] = _progress.TryGetValue(voters[i], out var p) ? p.Match : 0;
        }

        return Quorum.MajorityValue(values);
    }

    public void ResetVotes() => _votes.Clear();

    public void RecordVote(NodeId id, bool granted) => _votes.TryAdd(id, granted);

    public VoteResult TallyVotes() => Quorum.JointVote(Configuration, id => _votes.TryGetValue(id, out var v) ? v : null);

    /// <summary>Whether a quorum was recently active (CheckQuorum); clears the flags for the next round.</summary>
    public bool QuorumActive(NodeId self)
    {
        var result = Quorum.JointVote(Configuration, id => id == self || (_progress.TryGetValue(id, out var p) && p.RecentActive) ? true : null);
        foreach (var (id, progress) in _progress)
        {
            progress.RecentActive = id == self;
        }

        return result == VoteResult.Won;
    }
}
