using Cluster.Core;

namespace Chubby;

public sealed partial class ChubbyClient
{
    private ulong _epoch;
    private bool _registerHandles;
    private ulong _acknowledgedInvalidation;
    private ulong _acknowledgedEvent;

    /// <summary>The replica that answered the last KeepAlive, while it is trusted to hold the next one; none after a miss.</summary>
    private NodeId _keepAliveHolder;

    /// <summary>The replica the outstanding KeepAlive was sent to.</summary>
    private NodeId _keepAliveTarget;

    /// <summary>The master's <see cref="KeepAliveResponse.ReplyMarginMilliseconds"/>.</summary>
    private long _replyMargin;

    /// <summary>
    /// Keeps one KeepAlive outstanding at all times (Chubby §2.8). Each answer extends the local lease, delivers invalidations
    /// (dropped before the next KeepAlive acknowledges them) and events, and reveals a fail-over by a new epoch.
    /// </summary>
    /// <remarks>
    /// A held KeepAlive is answered by the master at the latest <see cref="KeepAliveResponse.ReplyMarginMilliseconds"/> before the
    /// lease ends. When no answer has come halfway through that margin the request or its answer was lost, or the master is gone:
    /// the client asks the next replica at once, asking for an immediate answer, while there is still time for a renewal.
    /// Waiting for the whole lease instead would let one lost message end the session at the master.
    /// </remarks>
    private async Task RunKeepAliveLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            NodeId target;
            KeepAliveRequest request;
            TimeSpan timeout;
            CancellationTokenSource attempt;
            lock (_gate)
            {
                if (_state == ChubbySessionState.Expired)
                {
                    return;
                }

                target = _master;

                // Held only by the replica that answered the last KeepAlive, while the session is safe; anyone else is asked for
                // an immediate answer (a guess at the master, a fail-over, jeopardy, or a miss).
                var hold = _state == ChubbySessionState.Safe && target == _keepAliveHolder;
                request = new KeepAliveRequest
                {
                    SessionId = _sessionId,
                    KnownMasterEpoch = _epoch,
                    AcknowledgedInvalidation = _acknowledgedInvalidation,
                    AcknowledgedEvent = _acknowledgedEvent,
                    Handles = _registerHandles ? [.. _handles.Values.Select(h => h.Descriptor)] : null,
                    AnswerNow = !hold,
                };

                // A held KeepAlive waits until its answer is due. An immediate answer is waited for at most half the time left on
                // the lease while it runs, so that several tries fit before it ends; in jeopardy, for the usual request timeout.
                var now = NowMilliseconds;
                var due = _localDeadline - (_replyMargin / 2) - now;
                var left = TimeSpan.FromMilliseconds((_localDeadline - now) / 2.0);
                timeout = hold && due > 0 ? TimeSpan.FromMilliseconds(due)
                    : _state == ChubbySessionState.Safe && left > TimeSpan.Zero ? Clamp(left, _options.RetryDelay, _options.RequestTimeout)
                    : _options.RequestTimeout;
                _keepAliveTarget = target;
                _keepAliveAttempt = attempt = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            }

            var sentAt = NowMilliseconds;
            KeepAliveResponse response;
            try
            {
                response = await _bus.RequestAsync<KeepAliveResponse>(target, request, timeout, attempt.Token);
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                // Jeopardy began, or a call found the master elsewhere: ask again at once, for an immediate answer.
                ForgetKeepAliveHolder();
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RpcTimeoutException)
            {
                // No answer when one was due: a lost message or a gone master. The next replica answers at once (or names the master).
                ForgetKeepAliveHolder();
                NextReplica(target);
                continue;
            }
            catch (Exception exception) when (IsTransportFailure(exception) || exception is ObjectDisposedException)
            {
                ForgetKeepAliveHolder();
                NextReplica(target);
                await DelayAsync(_options.RetryDelay, CancellationToken.None);
                continue;
            }
            finally
            {
                lock (_gate)
                {
                    // Cancelled only under the lock, so nobody cancels it once it is disposed.
                    if (_keepAliveAttempt == attempt)
                    {
                        _keepAliveAttempt = null;
                    }

                    attempt.Dispose();
                }
            }

            switch (response.Status)
            {
                case ChubbyErrorCode.Ok:
                    ProcessKeepAliveAnswer(target, response, sentAt, request.Handles is not null);
                    break;
                case ChubbyErrorCode.SessionExpired:
                    SetExpired("the master ended it (its lease ran out)");
                    return;
                default:
                    ForgetKeepAliveHolder();
                    if (!FollowHint(target, response.MasterHint))
                    {
                        await DelayAsync(_options.RetryDelay, CancellationToken.None);
                    }

                    break;
            }
        }
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    private void ForgetKeepAliveHolder()
    {
        lock (_gate)
        {
            _keepAliveHolder = NodeId.None;
        }
    }

    /// <summary>
    /// A call found the master at <see cref="_master"/>, but the KeepAlive waits at another replica (a dead master, or a guess):
    /// send it again now, so the session acknowledges a fail-over (which the new master waits for before it allows changes) and
    /// is renewed, instead of waiting until the KeepAlive is due.
    /// </summary>
    private void RedirectKeepAliveLocked()
    {
        if (_keepAliveAttempt is { } attempt && _keepAliveTarget != _master)
        {
            attempt.Cancel();
        }
    }

    private void ProcessKeepAliveAnswer(NodeId master, KeepAliveResponse response, long sentAt, bool sentHandles)
    {
        var events = new List<(ChubbyEventKind Kind, string? Path)>();
        lock (_gate)
        {
            if (_state == ChubbySessionState.Expired)
            {
                return;
            }

            if (response.MasterEpoch != _epoch)
            {
                // Chubby §2.9: a new master does not know what this client caches and may have missed events; flush the cache, tell
                // the application, and send the open handles with the next KeepAlive so the master rebuilds them.
                _epoch = response.MasterEpoch;
                _acknowledgedInvalidation = 0; // each master numbers invalidations and events from 1
                _acknowledgedEvent = 0;
                FlushCacheLocked();
                _registerHandles = _handles.Count > 0;
                events.Add((ChubbyEventKind.MasterFailedOver, null));
                Log.ClientFailover(_logger, _bus.LocalNode, _epoch, master);
            }
            else if (sentHandles)
            {
                _registerHandles = false;
            }

            foreach (var invalidation in response.Invalidations ?? [])
            {
                InvalidateLocked(invalidation.Path);
                _acknowledgedInvalidation = Math.Max(_acknowledgedInvalidation, invalidation.Number);
            }

            foreach (var notice in response.Events ?? [])
            {
                if (notice.Number > _acknowledgedEvent)
                {
                    _acknowledgedEvent = notice.Number;
                    events.Add((notice.Kind, notice.Path));
                }
            }

            // Measured from when the request was sent, which was before the master received it: never later than the master's end.
            _localDeadline = Math.Max(_localDeadline, sentAt + response.HeldMilliseconds + response.LeaseRemainingMilliseconds);
            _master = master;
            _keepAliveHolder = master;
            _replyMargin = Math.Max(0, response.ReplyMarginMilliseconds);
            if (_state == ChubbySessionState.Jeopardy && _localDeadline > NowMilliseconds)
            {
                _state = ChubbySessionState.Safe;
                _leftJeopardy.TrySetResult();
                events.Add((ChubbyEventKind.Safe, null));
                Log.ClientSessionState(_logger, _bus.LocalNode, _sessionId, _state);
            }
        }

        foreach (var (kind, path) in events)
        {
            Raise(kind, path);
        }
    }

    /// <summary>Runs every <see cref="ChubbyClientOptions.LeaseCheckInterval"/>: local lease end → jeopardy; grace period end → expired.</summary>
    private void CheckLease()
    {
        ChubbyEventKind? raised = null;
        lock (_gate)
        {
            var now = NowMilliseconds;
            if (_state == ChubbySessionState.Safe && now >= _localDeadline)
            {
                _state = ChubbySessionState.Jeopardy;
                _jeopardySince = now;
                _leftJeopardy = NewSignal();
                FlushCacheLocked();
                _keepAliveAttempt?.Cancel();
                raised = ChubbyEventKind.Jeopardy;
                Log.ClientSessionState(_logger, _bus.LocalNode, _sessionId, _state);
            }
            else if (_state == ChubbySessionState.Jeopardy && now >= _jeopardySince + (long)_options.GracePeriod.TotalMilliseconds)
            {
                raised = ChubbyEventKind.Expired;
            }
        }

        if (raised == ChubbyEventKind.Expired)
        {
            SetExpired($"no master answered within the grace period of {_options.GracePeriod}");
        }
        else if (raised is { } kind)
        {
            Raise(kind, null);
        }
    }

    private void SetExpired(string reason)
    {
        lock (_gate)
        {
            if (_state == ChubbySessionState.Expired)
            {
                return;
            }

            _state = ChubbySessionState.Expired;
            _expiryReason = reason;
            FlushCacheLocked();
            _handles.Clear();
            _leftJeopardy.TrySetResult();
            _keepAliveAttempt?.Cancel();
            Log.ClientSessionState(_logger, _bus.LocalNode, _sessionId, _state);
        }

        _watchdog?.Dispose();
        Raise(ChubbyEventKind.Expired, null);
    }

    /// <summary>Calls wait while the session is in jeopardy (Chubby §2.8), and fail once it has expired.</summary>
    private async Task WaitUntilSafeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_state == ChubbySessionState.Expired)
                {
                    throw new ChubbySessionExpiredException(_sessionId, _expiryReason);
                }

                if (_state == ChubbySessionState.Safe)
                {
                    return;
                }

                wait = _leftJeopardy.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }
}
