using Cluster.Core;

namespace Chubby;

public sealed partial class ChubbyClient
{
    private ulong _epoch;
    private bool _registerHandles;
    private ulong _acknowledgedInvalidation;
    private ulong _acknowledgedEvent;

    /// <summary>
    /// Keeps one KeepAlive outstanding at all times (Chubby §2.8). Each answer extends the local lease, delivers invalidations
    /// (dropped before the next KeepAlive acknowledges them) and events, and reveals a fail-over by a new epoch.
    /// </summary>
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
                request = new KeepAliveRequest
                {
                    SessionId = _sessionId,
                    KnownMasterEpoch = _epoch,
                    AcknowledgedInvalidation = _acknowledgedInvalidation,
                    AcknowledgedEvent = _acknowledgedEvent,
                    Handles = _registerHandles ? [.. _handles.Values.Select(h => h.Descriptor)] : null,
                };

                // While safe the master may hold the KeepAlive until shortly before the lease ends; wait a little past that.
                var untilDeadline = TimeSpan.FromMilliseconds(Math.Max(0, _localDeadline - NowMilliseconds));
                timeout = _state == ChubbySessionState.Safe ? untilDeadline + _options.RequestTimeout : _options.RequestTimeout;
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
                continue; // jeopardy began: ask again at once with the short timeout
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception exception) when (IsTransportFailure(exception) || exception is ObjectDisposedException)
            {
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
                    if (!FollowHint(target, response.MasterHint))
                    {
                        await DelayAsync(_options.RetryDelay, CancellationToken.None);
                    }

                    break;
            }
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
