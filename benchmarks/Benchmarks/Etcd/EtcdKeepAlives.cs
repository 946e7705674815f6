using System.Diagnostics;
using Etcdserverpb;
using Grpc.Core;
using Grpc.Net.Client;

namespace Benchmarks.Etcd;

/// <summary>
/// Keeps etcd leases alive the way etcd's own Go client (clientv3) does: one LeaseKeepAlive stream per connection carrying every
/// lease's keep-alive, each lease renewed every TTL/3. A lease's first renewal is put at a spread-out point of its first period,
/// as if its client had started at an arbitrary time, so that any window sees the steady rate.
/// </summary>
internal sealed class EtcdKeepAlives : IAsyncDisposable
{
    private readonly Stream[] _streams;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _period;
    private long _added;
    private long _sent;
    private long _answered;
    private long _lost;

    public EtcdKeepAlives(IReadOnlyList<GrpcChannel> channels, TimeSpan period)
    {
        _period = period;
        _streams = [.. channels.Select(c => new Stream(this, new Lease.LeaseClient(c).LeaseKeepAlive(cancellationToken: _stop.Token)))];
    }

    /// <summary>Keep-alive requests sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Keep-alive answers so far.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Answers with TTL 0: the lease had already expired.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Starts keeping <paramref name="leaseId"/> alive.</summary>
    public void Add(long leaseId)
    {
        var n = Interlocked.Increment(ref _added);

        // Golden-ratio spacing spreads first renewals evenly over the period whatever the number of leases.
        var phase = (n * 0.6180339887498949) % 1.0;
        var due = Stopwatch.GetTimestamp() + (long)(phase * _period.TotalSeconds * Stopwatch.Frequency);
        _streams[n % _streams.Length].Add(leaseId, due);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var stream in _streams)
        {
            await stream.StopAsync();
        }

        _stop.Dispose();
    }

    private sealed class Stream
    {
        private readonly EtcdKeepAlives _owner;
        private readonly AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> _call;
        private readonly PriorityQueue<long, long> _due = new();
        private readonly Task _writer;
        private readonly Task _reader;

        public Stream(EtcdKeepAlives owner, AsyncDuplexStreamingCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call)
        {
            _owner = owner;
            _call = call;
            _writer = Task.Run(WriteAsync);
            _reader = Task.Run(ReadAsync);
        }

        public void Add(long leaseId, long due)
        {
            lock (_due)
            {
                _due.Enqueue(leaseId, due);
            }
        }

        public async Task StopAsync()
        {
            try
            {
                await Task.WhenAll(_writer, _reader);
            }
            catch (Exception exception) when (exception is OperationCanceledException or RpcException)
            {
            }

            _call.Dispose();
        }

        private async Task WriteAsync()
        {
            var period = (long)(_owner._period.TotalSeconds * Stopwatch.Frequency);
            var batch = new List<long>();
            while (!_owner._stop.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                batch.Clear();
                lock (_due)
                {
                    while (_due.TryPeek(out var lease, out var due) && due <= now)
                    {
                        _due.Dequeue();
                        batch.Add(lease);
                        _due.Enqueue(lease, due + period);
                    }
                }

                foreach (var lease in batch)
                {
                    await _call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, _owner._stop.Token);
                    Interlocked.Increment(ref _owner._sent);
                }

                await Task.Delay(20, _owner._stop.Token);
            }
        }

        private async Task ReadAsync()
        {
            await foreach (var answer in _call.ResponseStream.ReadAllAsync(_owner._stop.Token))
            {
                Interlocked.Increment(ref _owner._answered);
                if (answer.TTL <= 0)
                {
                    Interlocked.Increment(ref _owner._lost);
                }
            }
        }
    }
}
