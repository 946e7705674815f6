using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core;

/// <summary>
/// Typed messaging over any <see cref="ITransport"/>: one-way messages, request/response calls with
/// deadlines and cancellation, and handlers registered per message type.
/// </summary>
/// <remarks>
/// <para>Register handlers with <see cref="On{T}"/> and <see cref="OnRequest{TRequest,TResponse}"/> before
/// traffic arrives; a message of a type with no handler is dropped (one-way) or answered with a
/// <see cref="RemoteError.NoHandlerCode"/> failure (request).</para>
/// <para>All deadlines run on the <see cref="TimeProvider"/> given, so the simulator's virtual clock drives
/// them. Methods are thread-safe.</para>
/// </remarks>
public sealed class MessageBus : IAsyncDisposable
{
    private readonly ITransport _transport;
    private readonly TimeProvider _time;
    private readonly MessageBusOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, Action<NodeId, object>> _oneWayHandlers = new();
    private readonly ConcurrentDictionary<Type, Func<NodeId, object, CancellationToken, ValueTask<object>>> _requestHandlers = new();
    private readonly ConcurrentDictionary<ulong, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _shutdown = new();
    private long _nextCorrelationId;
    private int _disposed;

    /// <summary>Creates a bus over <paramref name="transport"/> and installs itself as the transport's receiver.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public MessageBus(ITransport transport, TimeProvider time, MessageBusOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(time);
        _options = options ?? new MessageBusOptions();
        _options.Validate();
        _transport = transport;
        _time = time;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MessageBus>();
        transport.SetReceiver(OnEnvelope);
    }

    /// <summary>The node this bus speaks for.</summary>
    public NodeId LocalNode => _transport.LocalNode;

    /// <summary>How many requests are waiting for answers.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>Registers the handler of one-way messages of type <typeparamref name="T"/>, replacing any earlier one.</summary>
    /// <remarks>The handler runs on the transport's receive path: keep it short and hand heavy work to a queue.</remarks>
    public void On<T>(Action<NodeId, T> handler)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        _oneWayHandlers[typeof(T)] = (from, body) => handler(from, (T)body);
    }

    /// <summary>Registers the handler of requests of type <typeparamref name="TRequest"/>, replacing any earlier one.</summary>
    /// <remarks>An exception from the handler is sent back as a <see cref="RemoteError"/> whose code is the exception's type name.</remarks>
    public void OnRequest<TRequest, TResponse>(Func<NodeId, TRequest, CancellationToken, ValueTask<TResponse>> handler)
        where TRequest : class
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        _requestHandlers[typeof(TRequest)] = async (from, body, cancellationToken) => await handler(from, (TRequest)body, cancellationToken);
    }

    /// <summary>Sends a one-way message without waiting; false when the transport dropped it (see <see cref="ITransport.TrySend"/>).</summary>
    public bool Send<T>(NodeId destination, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        return _disposed == 0 && _transport.TrySend(destination, Envelope.OneWay(message));
    }

    /// <summary>Sends a one-way message, waiting while the peer's outbound queue is full.</summary>
    public ValueTask SendAsync<T>(NodeId destination, T message, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _transport.SendAsync(destination, Envelope.OneWay(message), cancellationToken);
    }

    /// <summary>Sends a request and waits for its answer.</summary>
    /// <param name="destination">The node to ask.</param>
    /// <param name="request">The request, of a registered type with a handler on the destination.</param>
    /// <param name="timeout">The deadline; <see cref="MessageBusOptions.DefaultRequestTimeout"/> when null.</param>
    /// <param name="cancellationToken">Abandons the wait; the request may still be handled remotely.</param>
    /// <exception cref="RpcTimeoutException">No answer came before the deadline.</exception>
    /// <exception cref="RemoteRpcException">The remote handler failed or does not exist.</exception>
    /// <exception cref="RpcOverloadException">Too many requests are already waiting.</exception>
    /// <exception cref="InvalidCastException">The answer is not a <typeparamref name="TResponse"/>.</exception>
    public Task<TResponse> RequestAsync<TResponse>(NodeId destination, object request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var deadline = timeout ?? _options.DefaultRequestTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(deadline, TimeSpan.Zero, nameof(timeout));
        if (_pending.Count >= _options.MaxPendingRequests)
        {
            return Task.FromException<TResponse>(new RpcOverloadException(_options.MaxPendingRequests));
        }

        var correlationId = (ulong)Interlocked.Increment(ref _nextCorrelationId);
        var pending = new PendingRequest<TResponse>(this, correlationId, destination, request.GetType(), deadline, _options.RunContinuationsAsynchronously);
        _pending[correlationId] = pending;
        pending.Arm(_time, cancellationToken);

        // The common case queues at once and hands back the answer's task as it is, so a failed or
        // timed-out request costs no exception until the caller observes it. Only a full queue (or an
        // error to report) takes the slower path that waits for room until the request's deadline.
        var envelope = new Envelope(MessageKind.Request, correlationId, request);
        return _transport.TrySend(destination, envelope) ? pending.Task : SendSlowlyAsync(pending, destination, envelope);
    }

    private async Task<TResponse> SendSlowlyAsync<TResponse>(PendingRequest<TResponse> pending, NodeId destination, Envelope envelope)
        where TResponse : class
    {
        try
        {
            await _transport.SendAsync(destination, envelope, pending.CreateSendCancellation());
        }
        catch (Exception ex) when (ex is OperationCanceledException or UnknownPeerException or ObjectDisposedException)
        {
            // The pending request has already been completed by its deadline or cancellation,
            // or fails now with the transport's error.
            pending.Fail(ex);
        }

        return await pending.Task;
    }

    /// <summary>Fails every waiting request and stops handling messages. The transport is not disposed.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        _shutdown.Cancel();
        foreach (var pending in _pending.Values)
        {
            pending.Fail(new ObjectDisposedException(nameof(MessageBus), "The message bus was shut down while the request waited for its answer."));
        }

        _shutdown.Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnEnvelope(NodeId from, Envelope envelope)
    {
        if (_disposed != 0)
        {
            return;
        }

        switch (envelope.Kind)
        {
            case MessageKind.OneWay:
                DispatchOneWay(from, envelope.Body);
                break;
            case MessageKind.Request:
                _ = DispatchRequestAsync(from, envelope);
                break;
            case MessageKind.Response:
            case MessageKind.Failure:
                if (_pending.TryGetValue(envelope.CorrelationId, out var pending) && pending.Destination == from)
                {
                    pending.Complete(envelope);
                }
                else
                {
                    Log.LateAnswer(_logger, from, envelope.CorrelationId);
                }

                break;
            default:
                Log.UnknownKind(_logger, from, (byte)envelope.Kind);
                break;
        }
    }

    private void DispatchOneWay(NodeId from, object body)
    {
        if (!_oneWayHandlers.TryGetValue(body.GetType(), out var handler))
        {
            Log.NoHandler(_logger, from, body.GetType().Name);
            return;
        }

        try
        {
            handler(from, body);
        }
        catch (Exception ex) when (ex is not InvariantViolationException)
        {
            Log.HandlerFailed(_logger, ex, from, body.GetType().Name);
        }
    }

    private async Task DispatchRequestAsync(NodeId from, Envelope envelope)
    {
        var body = envelope.Body;
        Envelope answer;
        if (!_requestHandlers.TryGetValue(body.GetType(), out var handler))
        {
            answer = new Envelope(MessageKind.Failure, envelope.CorrelationId, new RemoteError(RemoteError.NoHandlerCode, $"{LocalNode} has no handler for {body.GetType().Name}."));
        }
        else
        {
            try
            {
                var result = await handler(from, body, _shutdown.Token);
                answer = new Envelope(MessageKind.Response, envelope.CorrelationId, result);
            }
            catch (OperationCanceledException) when (_disposed != 0)
            {
                answer = new Envelope(MessageKind.Failure, envelope.CorrelationId, new RemoteError(RemoteError.ShuttingDownCode, $"{LocalNode} is shutting down."));
            }
            catch (Exception ex) when (ex is not InvariantViolationException)
            {
                answer = new Envelope(MessageKind.Failure, envelope.CorrelationId, new RemoteError(ex.GetType().Name, ex.Message));
            }
        }

        if (_disposed == 0 && !_transport.TrySend(from, answer))
        {
            Log.AnswerDropped(_logger, from, body.GetType().Name);
        }
    }

    private sealed class PendingRequest<TResponse>(MessageBus bus, ulong correlationId, NodeId destination, Type requestType, TimeSpan timeout, bool asynchronous)
        : PendingRequest(bus, correlationId, destination, requestType, timeout)
        where TResponse : class
    {
        private readonly TaskCompletionSource<TResponse> _completion =
            new(asynchronous ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);

        public Task<TResponse> Task => _completion.Task;

        protected override void SetResult(object body)
        {
            if (body is TResponse response)
            {
                _completion.TrySetResult(response);
            }
            else
            {
                _completion.TrySetException(new InvalidCastException($"{Destination} answered {RequestType.Name} with {body.GetType().Name}, not {typeof(TResponse).Name}."));
            }
        }

        protected override void SetException(Exception exception) => _completion.TrySetException(exception);

        protected override void SetCanceled(CancellationToken token) => _completion.TrySetCanceled(token);
    }

    private abstract class PendingRequest
    {
        private readonly MessageBus _bus;
        private readonly ulong _correlationId;
        private readonly TimeSpan _timeout;
        private CancellationTokenSource? _sendCancellation;
        private bool _finished;
        private ITimer? _timer;
        private CancellationTokenRegistration _registration;

        protected PendingRequest(MessageBus bus, ulong correlationId, NodeId destination, Type requestType, TimeSpan timeout)
        {
            _bus = bus;
            _correlationId = correlationId;
            Destination = destination;
            RequestType = requestType;
            _timeout = timeout;
        }

        public NodeId Destination { get; }

        protected Type RequestType { get; }

        protected abstract void SetResult(object body);

        protected abstract void SetException(Exception exception);

        protected abstract void SetCanceled(CancellationToken token);

        public CancellationToken CreateSendCancellation()
        {
            lock (this)
            {
                if (_finished)
                {
                    return new CancellationToken(canceled: true);
                }

                _sendCancellation ??= new CancellationTokenSource();
                return _sendCancellation.Token;
            }
        }

        public void Arm(TimeProvider time, CancellationToken cancellationToken)
        {
            _timer = time.CreateTimer(static state => ((PendingRequest)state!).TimedOut(), this, _timeout, Timeout.InfiniteTimeSpan);
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.Register(static (state, token) => ((PendingRequest)state!).Cancel(token), this);
            }
        }

        public void Complete(Envelope envelope)
        {
            if (!Finish())
            {
                return;
            }

            if (envelope.Kind == MessageKind.Failure)
            {
                var error = envelope.Body as RemoteError ?? new RemoteError("Malformed", $"A failure answer carried {envelope.Body.GetType().Name}.");
                SetException(new RemoteRpcException(Destination, error));
            }
            else
            {
                SetResult(envelope.Body);
            }
        }

        public void Fail(Exception exception)
        {
            if (Finish())
            {
                SetException(exception);
            }
        }

        private void TimedOut() => Fail(new RpcTimeoutException(Destination, RequestType, _timeout));

        private void Cancel(CancellationToken token)
        {
            if (Finish())
            {
                SetCanceled(token);
            }
        }

        private bool Finish()
        {
            if (!_bus._pending.TryRemove(new KeyValuePair<ulong, PendingRequest>(_correlationId, this)))
            {
                return false;
            }

            _timer?.Dispose();
            _registration.Dispose();
            lock (this)
            {
                _finished = true;
                _sendCancellation?.Cancel();
            }

            return true;
        }
    }
}
