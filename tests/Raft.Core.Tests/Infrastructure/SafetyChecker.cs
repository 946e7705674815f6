using System.Text;
using Cluster.Core;
using Raft.Core;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>
/// Checks Raft's safety properties (Figure 3) after every step of a <see cref="TestNetwork"/>: election safety, log matching,
/// leader completeness and state machine safety. Violations are collected (and the first one thrown) so a test fails at the
/// step that broke the property.
/// </summary>
public sealed class SafetyChecker
{
    private readonly TestNetwork _net;
    private readonly Dictionary<ulong, NodeId> _leaders = [];
    private readonly Dictionary<ulong, (ulong Term, ulong CommitTerm)> _committed = [];
    private readonly Dictionary<ulong, (ulong Term, string Data)> _applied = [];
    private readonly Dictionary<NodeId, ulong> _seenCommit = [];

    public SafetyChecker(TestNetwork net)
    {
        _net = net;
        var previousAfterStep = net.AfterStep;
        var previousOnApply = net.OnApply;
        net.AfterStep = () =>
        {
            previousAfterStep?.Invoke();
            Check();
        };
        net.OnApply = (node, entry) =>
        {
            previousOnApply?.Invoke(node, entry);
            CheckApplied(node, entry);
        };
    }

    public List<string> Violations { get; } = [];

    public int Checks { get; private set; }

    private void Fail(string violation)
    {
        Violations.Add(violation);
        throw new AssertionException(violation);
    }

    private void CheckApplied(TestNode node, LogEntry entry)
    {
        // State machine safety: no two nodes apply different entries at the same index.
        var data = Encoding.UTF8.GetString(entry.Data.Span);
        if (_applied.TryGetValue(entry.Index, out var seen))
        {
            if (seen.Term != entry.Term || seen.Data != data)
            {
                Fail($"state machine safety: {node.Id} applied {entry.Index}/{entry.Term} '{data}', but {seen.Term} '{seen.Data}' was applied before");
            }
        }
        else
        {
            _applied[entry.Index] = (entry.Term, data);
        }
    }

    public void Check()
    {
        Checks++;
        var live = _net.Live.ToList();
        foreach (var node in live.Where(n => n.Core.Role == RaftRole.Leader))
        {
            // Election safety: at most one leader per term.
            if (_leaders.TryGetValue(node.Core.Term, out var other) && other != node.Id)
            {
                Fail($"election safety: {other} and {node.Id} both lead term {node.Core.Term}");
            }

            _leaders[node.Core.Term] = node.Id;
            RecordCommits(node);
        }

        for (var a = 0; a < live.Count; a++)
        {
            for (var b = a + 1; b < live.Count; b++)
            {
                CheckLogMatching(live[a], live[b]);
            }
        }

        foreach (var node in live.Where(n => n.Core.Role == RaftRole.Leader))
        {
            CheckLeaderCompleteness(node);
        }
    }

    private void RecordCommits(TestNode leader)
    {
        var log = leader.Core.Log;
        _seenCommit.TryGetValue(leader.Id, out var from);
        for (var i = Math.Max(from + 1, log.FirstIndex); i <= leader.Core.CommitIndex; i++)
        {
            var term = log.Term(i);
            if (_committed.TryGetValue(i, out var known))
            {
                if (known.Term != term)
                {
                    Fail($"two different entries committed at {i}: terms {known.Term} and {term} (by {leader.Id})");
                }

                _committed[i] = (term, Math.Min(known.CommitTerm, leader.Core.Term));
            }
            else
            {
                _committed[i] = (term, leader.Core.Term);
            }
        }

        _seenCommit[leader.Id] = Math.Max(from, leader.Core.CommitIndex);
    }

    /// <summary>Log matching: if two logs have an entry with the same index and term, they are identical up to it.</summary>
    private void CheckLogMatching(TestNode a, TestNode b)
    {
        var logA = a.Core.Log;
        var logB = b.Core.Log;
        var low = Math.Max(logA.FirstIndex, logB.FirstIndex);
        var high = Math.Min(logA.LastIndex, logB.LastIndex);
        var matched = false;
        for (var i = high; i >= low && i > 0; i--)
        {
            var termA = logA.Term(i);
            var termB = logB.Term(i);
            if (matched && termA != termB)
            {
                Fail($"log matching: {a.Id} and {b.Id} agree on a later entry but differ at {i} ({termA} vs {termB})");
            }

            matched |= termA == termB;
        }
    }

    /// <summary>Leader completeness: a leader holds every entry committed in an earlier term.</summary>
    private void CheckLeaderCompleteness(TestNode leader)
    {
        var log = leader.Core.Log;
        foreach (var (index, (term, commitTerm)) in _committed)
        {
            if (commitTerm < leader.Core.Term && index >= log.FirstIndex && log.Term(index) != term)
            {
                Fail($"leader completeness: {leader.Id} leads term {leader.Core.Term} without entry {index}/{term} committed in term {commitTerm}");
            }
        }
    }
}
