using MessagePack;

namespace Raft.Core;

/// <summary>
/// Client sessions as replicated state (Raft thesis §6.3): per client, the responses to commands it has not yet acknowledged,
/// so a retried command returns its first result instead of running again. Expiry is decided by the timestamps in the log, so
/// every replica expires the same sessions at the same entry.
/// </summary>
/// <remarks>Part of every snapshot. Used only from the apply loop.</remarks>
internal sealed class SessionTable
{
    private readonly Dictionary<ulong, Session> _sessions = [];
    private readonly long _timeoutMilliseconds;
    private readonly int _maxSessions;
    private readonly int _maxResponsesPerSession;
    private long _clockMilliseconds;
    private long _nextSweepMilliseconds;

    public SessionTable(TimeSpan timeout, int maxSessions, int maxResponsesPerSession)
    {
        _timeoutMilliseconds = (long)timeout.TotalMilliseconds;
        _maxSessions = maxSessions;
        _maxResponsesPerSession = maxResponsesPerSession;
    }

    public int Count => _sessions.Count;

    /// <summary>The log's clock: the running maximum of the leaders' timestamps applied so far.</summary>
    public long ClockMilliseconds => _clockMilliseconds;

    public bool Contains(ulong clientId) => _sessions.ContainsKey(clientId);

    /// <summary>Moves the log's clock forward (never back: leaders' clocks differ) and expires idle sessions.</summary>
    public void AdvanceClock(long timestampMilliseconds)
    {
        _clockMilliseconds = Math.Max(_clockMilliseconds, timestampMilliseconds);
        if (_clockMilliseconds < _nextSweepMilliseconds)
        {
            return;
        }

        _nextSweepMilliseconds = _clockMilliseconds + Math.Max(1, _timeoutMilliseconds / 8);
        List<ulong>? expired = null;
        foreach (var (id, session) in _sessions)
        {
            if (session.LastActiveMilliseconds + _timeoutMilliseconds < _clockMilliseconds)
            {
                (expired ??= []).Add(id);
            }
        }

        foreach (var id in expired ?? [])
        {
            _sessions.Remove(id);
        }
    }

    public ApplyOutcome Open(ulong clientId)
    {
        if (_sessions.Count >= _maxSessions)
        {
            return ApplyOutcome.Rejected($"The cluster already holds RaftNodeOptions.MaxSessions ({_maxSessions}) sessions.");
        }

        _sessions[clientId] = new Session { LastActiveMilliseconds = _clockMilliseconds };
        return new ApplyOutcome(ClientResponseStatus.Ok, default, clientId, null);
    }

    public ApplyOutcome Close(ulong clientId) =>
        _sessions.Remove(clientId) ? ApplyOutcome.Ok(default) : ApplyOutcome.Expired(clientId);

    public ApplyOutcome KeepAlive(ulong clientId, ulong lowestUnacknowledged)
    {
        if (!_sessions.TryGetValue(clientId, out var session))
        {
            return ApplyOutcome.Expired(clientId);
        }

        session.LastActiveMilliseconds = _clockMilliseconds;
        session.Acknowledge(lowestUnacknowledged);
        return ApplyOutcome.Ok(default);
    }

    /// <summary>
    /// Decides what to do with a session command: the cached outcome of an earlier application (duplicate), a refusal, or null
    /// when the command must be applied now (then call <see cref="Record"/> with its result).
    /// </summary>
    public ApplyOutcome? Check(ulong clientId, ulong sequence, ulong lowestUnacknowledged)
    {
        if (!_sessions.TryGetValue(clientId, out var session))
        {
            return ApplyOutcome.Expired(clientId);
        }

        session.LastActiveMilliseconds = _clockMilliseconds;
        session.Acknowledge(lowestUnacknowledged);
        if (session.Responses.TryGetValue(sequence, out var cached))
        {
            return ApplyOutcome.Ok(cached);
        }

        if (sequence < session.LowestUnacknowledged)
        {
            return ApplyOutcome.Rejected($"Command {sequence} of session {clientId} was acknowledged already; its response is gone.");
        }

        if (session.Responses.Count >= _maxResponsesPerSession)
        {
            return ApplyOutcome.Rejected($"Session {clientId} has RaftNodeOptions.MaxResponsesPerSession ({_maxResponsesPerSession}) unacknowledged responses.");
        }

        return null;
    }

    public void Record(ulong clientId, ulong sequence, ReadOnlyMemory<byte> result) =>
        _sessions[clientId].Responses[sequence] = result.ToArray();

    public byte[] Serialize()
    {
        var state = new State
        {
            ClockMilliseconds = _clockMilliseconds,
            NextSweepMilliseconds = _nextSweepMilliseconds,
            Sessions = [.. _sessions.OrderBy(s => s.Key).Select(s => new SessionState
            {
                ClientId = s.Key,
                LastActiveMilliseconds = s.Value.LastActiveMilliseconds,
                LowestUnacknowledged = s.Value.LowestUnacknowledged,
                Sequences = [.. s.Value.Responses.Keys.Order()],
                Responses = [.. s.Value.Responses.OrderBy(r => r.Key).Select(r => r.Value)],
            })],
        };
        return MessagePackSerializer.Serialize(state, WireOptions);
    }

    public void Restore(ReadOnlyMemory<byte> data)
    {
        var state = MessagePackSerializer.Deserialize<State>(data, WireOptions);
        _sessions.Clear();
        _clockMilliseconds = state.ClockMilliseconds;
        _nextSweepMilliseconds = state.NextSweepMilliseconds;
        foreach (var s in state.Sessions)
        {
            if (s.Sequences.Length != s.Responses.Length)
            {
                throw new FormatException($"Session {s.ClientId} in the snapshot lists {s.Sequences.Length} sequences but {s.Responses.Length} responses.");
            }

            var session = new Session { LastActiveMilliseconds = s.LastActiveMilliseconds, LowestUnacknowledged = s.LowestUnacknowledged };
            for (var i = 0; i < s.Sequences.Length; i++)
            {
                session.Responses[s.Sequences[i]] = s.Responses[i];
            }

            _sessions[s.ClientId] = session;
        }
    }

    private static readonly MessagePackSerializerOptions WireOptions =
        MessagePackSerializerOptions.Standard.WithResolver(MessagePack.Resolvers.StandardResolverAllowPrivate.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    private sealed class Session
    {
        public long LastActiveMilliseconds { get; set; }

        public ulong LowestUnacknowledged { get; set; }

        public Dictionary<ulong, byte[]> Responses { get; } = [];

        public void Acknowledge(ulong lowestUnacknowledged)
        {
            if (lowestUnacknowledged <= LowestUnacknowledged)
            {
                return;
            }

            LowestUnacknowledged = lowestUnacknowledged;
            if (Responses.Count == 0)
            {
                return;
            }

            foreach (var sequence in Responses.Keys.Where(s => s < lowestUnacknowledged).ToList())
            {
                Responses.Remove(sequence);
            }
        }
    }

    [MessagePackObject]
    public sealed class State
    {
        [Key(0)]
        public long ClockMilliseconds { get; set; }

        [Key(1)]
        public long NextSweepMilliseconds { get; set; }

        [Key(2)]
        public SessionState[] Sessions { get; set; } = [];
    }

    [MessagePackObject]
    public sealed class SessionState
    {
        [Key(0)]
        public ulong ClientId { get; set; }

        [Key(1)]
        public long LastActiveMilliseconds { get; set; }

        [Key(2)]
        public ulong LowestUnacknowledged { get; set; }

        [Key(3)]
        public ulong[] Sequences { get; set; } = [];

        [Key(4)]
        public byte[][] Responses { get; set; } = [];
    }
}
