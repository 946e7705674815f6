using System.Globalization;
using System.Text;
using Cluster.Core;

namespace Cluster.Simulation;

/// <summary>The Wing &amp; Gong / Lowe search over one partition of a history (see <see cref="LinearizabilityChecker"/>).</summary>
internal sealed class PartitionSearch<TState, TInput, TOutput>
{
    private const int MaxPrefixShown = 12;

    private readonly IModel<TState, TInput, TOutput> _model;
    private readonly IReadOnlyList<Operation<TInput, TOutput>> _operations;
    private readonly int _partitionIndex;
    private readonly SearchBudget _budget;

    // The deepest dead end seen, kept for the counterexample.
    private int[]? _bestPrefix;
    private TState? _bestState;
    private int[]? _bestCandidates;
    private int _bestOverdue = -1;

    public PartitionSearch(IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> operations, int partitionIndex, SearchBudget budget)
    {
        _model = model;
        _operations = operations;
        _partitionIndex = partitionIndex;
        _budget = budget;
    }

    public LinearizabilityVerdict Run()
    {
        var head = BuildEntries();
        var linearized = new Bitset(_operations.Count);
        var cache = new HashSet<CacheKey>(new CacheKeyComparer(_model.StateComparer));
        var calls = new Stack<(Entry Call, TState StateBefore)>();
        var state = _model.Init();
        var entry = head.Next;
        while (head.Next is not null)
        {
            if (entry!.Match is { } returnEntry)
            {
                // A call: try to take this operation's effect now.
                if (!_budget.TryExplore())
                {
                    return LinearizabilityVerdict.Unknown;
                }

                var (ok, next) = Apply(state, _operations[entry.Id]);
                if (ok && TryRemember(cache, linearized, entry.Id, next))
                {
                    calls.Push((entry, state));
                    state = next;
                    linearized.Set(entry.Id);
                    Lift(entry, returnEntry);
                    entry = head.Next;
                }
                else
                {
                    entry = entry.Next;
                }
            }
            else
            {
                // A return: this operation had to take effect by now and no order tried so far allows it.
                RecordDeadEnd(head, entry, calls, state);
                if (calls.Count == 0)
                {
                    return LinearizabilityVerdict.Illegal;
                }

                (entry, state) = calls.Pop();
                linearized.Clear(entry.Id);
                Unlift(entry, entry.Match!);
                entry = entry.Next;
            }
        }

        return LinearizabilityVerdict.Ok;
    }

    public LinearizabilityCounterexample<TInput, TOutput> BuildCounterexample()
    {
        Invariant.Check(_bestPrefix is not null && _bestCandidates is not null && _bestOverdue >= 0, "An illegal partition has a recorded dead end.");
        var prefix = _bestPrefix.Select(id => _operations[id]).ToArray();
        var candidates = _bestCandidates.Select(id => _operations[id]).ToArray();
        var overdue = _operations[_bestOverdue];
        var state = _model.DescribeState(_bestState!);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Partition {_partitionIndex} ({_operations.Count} operations) has no linearization.").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Longest linearizable prefix: {prefix.Length} operations");
        var shownFrom = Math.Max(0, prefix.Length - MaxPrefixShown);
        text.Append(shownFrom > 0 ? string.Create(CultureInfo.InvariantCulture, $" (last {MaxPrefixShown} shown):") : ":").AppendLine();
        for (var i = shownFrom; i < prefix.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {Describe(prefix[i])}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"State after the prefix: {state}").AppendLine();
        text.Append("None of these operations can be linearized next:").AppendLine();
        foreach (var candidate in candidates)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {Describe(candidate)}").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"and {Describe(overdue)} returned, so it must already have taken effect.");
        return new LinearizabilityCounterexample<TInput, TOutput>(_partitionIndex, prefix, state, candidates, overdue, text.ToString());
    }

    private string Describe(Operation<TInput, TOutput> operation)
    {
        var returned = operation.OutcomeKnown ? operation.Return.ToString(CultureInfo.InvariantCulture) : "inf";
        return string.Create(CultureInfo.InvariantCulture, $"[client {operation.ClientId}, {operation.Call}..{returned}] {_model.DescribeOperation(operation)}");
    }

    private (bool Ok, TState State) Apply(TState state, Operation<TInput, TOutput> operation) =>
        operation.OutcomeKnown ? _model.Step(state, operation.Input, operation.Output!) : (true, _model.StepUnknown(state, operation.Input));

    private static bool TryRemember(HashSet<CacheKey> cache, Bitset linearized, int id, TState state)
    {
        // Probe with the live bitset and copy it only for a configuration not seen before.
        linearized.Set(id);
        var probe = new CacheKey(linearized.Words, state, linearized.Hash());
        var isNew = !cache.Contains(probe);
        if (isNew)
        {
            cache.Add(probe with { Words = (ulong[])linearized.Words.Clone() });
        }

        linearized.Clear(id);
        return isNew;
    }

    private void RecordDeadEnd(Entry head, Entry overdue, Stack<(Entry Call, TState StateBefore)> calls, TState state)
    {
        if (_bestPrefix is not null && calls.Count <= _bestPrefix.Length)
        {
            return;
        }

        // The stack holds the linearized operations, most recent on top.
        _bestPrefix = calls.Reverse().Select(c => c.Call.Id).ToArray();
        _bestState = state;
        _bestOverdue = overdue.Id;
        var candidates = new List<int>();
        for (var e = head.Next; e is not null && e != overdue; e = e.Next)
        {
            if (e.Match is not null)
            {
                candidates.Add(e.Id);
            }
        }

        _bestCandidates = [.. candidates];
    }

    private Entry BuildEntries()
    {
        var events = new List<(long Time, bool IsCall, int Id)>(_operations.Count * 2);
        for (var id = 0; id < _operations.Count; id++)
        {
            events.Add((_operations[id].Call, true, id));
            events.Add((_operations[id].Return, false, id));
        }

        // At equal times calls go first, so operations that touch in time count as concurrent (as Porcupine does).
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time)
            : a.IsCall != b.IsCall ? (a.IsCall ? -1 : 1)
            : a.Id.CompareTo(b.Id));

        var head = new Entry(-1);
        var calls = new Entry[_operations.Count];
        var last = head;
        foreach (var (_, isCall, id) in events)
        {
            var entry = new Entry(id) { Prev = last };
            last.Next = entry;
            last = entry;
            if (isCall)
            {
                calls[id] = entry;
            }
            else
            {
                calls[id].Match = entry;
            }
        }

        return head;
    }

    private static void Lift(Entry call, Entry @return)
    {
        call.Prev!.Next = call.Next;
        call.Next!.Prev = call.Prev;
        @return.Prev!.Next = @return.Next;
        if (@return.Next is not null)
        {
            @return.Next.Prev = @return.Prev;
        }
    }

    private static void Unlift(Entry call, Entry @return)
    {
        // Exact reverse of Lift: the neighbours still point where they did when the pair was removed.
        @return.Prev!.Next = @return;
        if (@return.Next is not null)
        {
            @return.Next.Prev = @return;
        }

        call.Prev!.Next = call;
        call.Next!.Prev = call;
    }

    /// <summary>A call or return event in the doubly linked list; a call's <see cref="Match"/> is its return.</summary>
    private sealed class Entry(int id)
    {
        public int Id { get; } = id;

        public Entry? Match { get; set; }

        public Entry? Prev { get; set; }

        public Entry? Next { get; set; }
    }

    private readonly record struct CacheKey(ulong[] Words, TState State, int WordsHash);

    private sealed class CacheKeyComparer(IEqualityComparer<TState> stateComparer) : IEqualityComparer<CacheKey>
    {
        public bool Equals(CacheKey x, CacheKey y) =>
            x.WordsHash == y.WordsHash && x.Words.AsSpan().SequenceEqual(y.Words) && stateComparer.Equals(x.State, y.State);

        public int GetHashCode(CacheKey obj) => HashCode.Combine(obj.WordsHash, obj.State is null ? 0 : stateComparer.GetHashCode(obj.State));
    }
}
