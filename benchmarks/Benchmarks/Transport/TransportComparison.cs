using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cluster.Core;

namespace Benchmarks.Transport;

/// <summary>
/// <c>compare transport</c>: one-way messages from one node to another over loopback through our
/// <see cref="TcpTransport"/> against a bare <see cref="Socket"/> moving frames of the same size, in
/// alternating rounds of the same run.
/// </summary>
/// <remarks>
/// The headline figure is payload MB/s at 64 KiB messages. Details add messages/s at 128 B, for us and
/// for two raw-socket peers: one <c>Send</c> per message (what a plain socket loop does) and frames
/// packed into 64 KiB buffers before each <c>Send</c> (an upper bound: no serialization, no queue).
/// Both raw receivers parse the length prefixes so they do the framing work our reader does, but they
/// do not decode bodies; our side encodes and decodes every MessagePack body.
/// </remarks>
public static class TransportComparison
{
    private const int LargeBytes = 64 * 1024;
    private const int SmallBytes = 128;

    public static async Task<ComparisonResult> RunAsync(bool quick)
    {
        // Many short large-message rounds: on a shared machine the median of adjacent pairs is what
        // stays stable. The 128 B figures are secondary, so they get fewer rounds.
        var rounds = quick ? 9 : 15;
        var smallRounds = quick ? 3 : 5;
        var largeCount = quick ? 2_000 : 8_000;       // 125 MiB / 500 MiB per round
        var smallCount = quick ? 300_000 : 1_000_000;

        await using var ours = await OursPair.StartAsync();
        using var raw = await RawPair.StartAsync();

        // Warm up both paths (JIT, pools, TCP windows) before anything is timed.
        await ours.RunAsync(LargeBytes, largeCount / 10);
        await ours.RunAsync(SmallBytes, smallCount / 10);
        await raw.RunAsync(LargeBytes, largeCount / 10, batched: false);
        await raw.RunAsync(SmallBytes, smallCount / 10, batched: false);
        await raw.RunAsync(SmallBytes, smallCount / 10, batched: true);

        var oursLarge = new List<double>();
        var rawLarge = new List<double>();
        var oursSmall = new List<double>();
        var rawSmall = new List<double>();
        var rawSmallBatched = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which side goes first so drift in machine load does not favour one.
            if (round % 2 == 0)
            {
                oursLarge.Add(MegabytesPerSecond(LargeBytes, largeCount, await ours.RunAsync(LargeBytes, largeCount)));
                rawLarge.Add(MegabytesPerSecond(LargeBytes, largeCount, await raw.RunAsync(LargeBytes, largeCount, batched: false)));
            }
            else
            {
                rawLarge.Add(MegabytesPerSecond(LargeBytes, largeCount, await raw.RunAsync(LargeBytes, largeCount, batched: false)));
                oursLarge.Add(MegabytesPerSecond(LargeBytes, largeCount, await ours.RunAsync(LargeBytes, largeCount)));
            }

        }

        for (var round = 0; round < smallRounds; round++)
        {
            oursSmall.Add(smallCount / (await ours.RunAsync(SmallBytes, smallCount)).TotalSeconds);
            rawSmall.Add(smallCount / (await raw.RunAsync(SmallBytes, smallCount, batched: false)).TotalSeconds);
            rawSmallBatched.Add(smallCount / (await raw.RunAsync(SmallBytes, smallCount, batched: true)).TotalSeconds);
        }

        var details = new Dictionary<string, object>
        {
            ["ours_msgs_per_s_128B"] = Math.Round(Median(oursSmall)),
            ["peer_msgs_per_s_128B"] = Math.Round(Median(rawSmall)),
            ["peer_batched_msgs_per_s_128B"] = Math.Round(Median(rawSmallBatched)),
            ["ratio_msgs_128B"] = Math.Round(Median(oursSmall) / Median(rawSmall), 3),
            ["ours_MBps_64KiB_rounds"] = oursLarge.Select(v => Math.Round(v)).ToArray(),
            ["peer_MBps_64KiB_rounds"] = rawLarge.Select(v => Math.Round(v)).ToArray(),
            ["ratio_64KiB_median_of_round_pairs"] = Math.Round(Median(oursLarge.Zip(rawLarge, (o, p) => o / p).ToList()), 3),
            ["rounds_64KiB"] = rounds,
            ["rounds_128B"] = smallRounds,
            ["messages_64KiB_per_round"] = largeCount,
            ["messages_128B_per_round"] = smallCount,
            ["ours"] = "TcpTransport.SendAsync to a second TcpTransport on 127.0.0.1 (MessagePack body, plain TCP, no secret)",
            ["peer"] = "Socket.SendAsync per message of a pre-built frame of the same size; receiver parses length prefixes",
            ["peer_batched"] = "same frames packed into 64 KiB buffers, one Socket.SendAsync per buffer",
            ["processors"] = Environment.ProcessorCount,
        };
        return ComparisonResult.HigherIsBetter("transport", "MB/s", Median(oursLarge), Median(rawLarge), details);
    }

    private static double MegabytesPerSecond(int messageBytes, int count, TimeSpan elapsed) =>
        (double)messageBytes * count / (1024 * 1024) / elapsed.TotalSeconds;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Two of our transports on loopback; node 1 sends, node 2 counts.</summary>
    private sealed class OursPair : IAsyncDisposable
    {
        private static readonly NodeId Sender = new(1);
        private static readonly NodeId Receiver = new(2);
        private readonly TcpTransport _a;
        private readonly TcpTransport _b;
        private long _received;
        private long _target = long.MaxValue;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private OursPair(TcpTransport a, TcpTransport b)
        {
            _a = a;
            _b = b;
            _b.SetReceiver(OnReceive);
        }

        public static async Task<OursPair> StartAsync()
        {
            var codec = new MessageCodec(BenchPayload.Registry());
            var b = new TcpTransport(Options(Receiver, codec, []));
            await b.StartAsync();
            var a = new TcpTransport(Options(Sender, codec, [b.BoundAddress]));
            await a.StartAsync();
            return new OursPair(a, b);
        }

        public async Task<TimeSpan> RunAsync(int messageBytes, int count)
        {
            var body = new BenchPayload { Data = new byte[messageBytes] };
            Interlocked.Exchange(ref _received, 0);
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _target, count);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                await _a.SendAsync(Receiver, Envelope.OneWay(body));
            }

            await _done.Task;
            return clock.Elapsed;
        }

        public async ValueTask DisposeAsync()
        {
            await _a.DisposeAsync();
            await _b.DisposeAsync();
        }

        private static TcpTransportOptions Options(NodeId id, MessageCodec codec, NodeAddress[] peers) => new()
        {
            LocalAddress = new NodeAddress(id, "127.0.0.1", 0),
            ClusterId = "bench",
            Codec = codec,
            Peers = peers,
        };

        private void OnReceive(NodeId from, Envelope envelope)
        {
            // One connection delivers these, one at a time.
            if (++_received == Volatile.Read(ref _target))
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>A connected pair of bare sockets on loopback, with a receiver that counts length-prefixed frames.</summary>
    private sealed class RawPair : IDisposable
    {
        private readonly Socket _client;
        private readonly Socket _server;

        private RawPair(Socket client, Socket server)
        {
            _client = client;
            _server = server;
        }

        public static async Task<RawPair> StartAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            var accept = listener.AcceptAsync();
            await client.ConnectAsync(listener.LocalEndPoint!);
            var server = await accept;
            server.NoDelay = true;
            return new RawPair(client, server);
        }

        public async Task<TimeSpan> RunAsync(int messageBytes, int count, bool batched)
        {
            // The same frame our codec would produce for this payload size: prefix, header, body.
            var frameBytes = new MessageCodec(BenchPayload.Registry()).WriteFrame(new ArrayBufferWriter<byte>(), Envelope.OneWay(new BenchPayload { Data = new byte[messageBytes] }));
            var frame = new byte[frameBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frameBytes - 4));
            var clock = Stopwatch.StartNew();
            var receive = Task.Run(() => ReceiveAsync(count));
            if (batched)
            {
                var perBuffer = Math.Max(1, (64 * 1024) / frameBytes);
                var buffer = new byte[perBuffer * frameBytes];
                for (var sent = 0; sent < count;)
                {
                    var n = Math.Min(perBuffer, count - sent);
                    for (var i = 0; i < n; i++)
                    {
                        frame.CopyTo(buffer, i * frameBytes);
                    }

                    await SendAllAsync(buffer.AsMemory(0, n * frameBytes));
                    sent += n;
                }
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    await SendAllAsync(frame);
                }
            }

            await receive;
            return clock.Elapsed;
        }

        public void Dispose()
        {
            _client.Dispose();
            _server.Dispose();
        }

        private async Task SendAllAsync(ReadOnlyMemory<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _client.SendAsync(bytes);
                bytes = bytes[sent..];
            }
        }

        private async Task ReceiveAsync(int count)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
            try
            {
                var frames = 0;
                var carried = 0; // bytes of an incomplete frame (or prefix) kept at the front of the buffer
                while (frames < count)
                {
                    var read = await _server.ReceiveAsync(buffer.AsMemory(carried));
                    if (read == 0)
                    {
                        throw new IOException("The raw sender closed early.");
                    }

                    var available = carried + read;
                    var offset = 0;
                    while (available - offset >= 4)
                    {
                        var length = 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                        if (available - offset < length)
                        {
                            break;
                        }

                        offset += length;
                        frames++;
                    }

                    // Keep only the head of an incomplete frame: prefix and what follows, up to the buffer size.
                    carried = available - offset;
                    if (carried > 0)
                    {
                        if (carried >= 4 && 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset)) > buffer.Length)
                        {
                            Invariant.Fail("Benchmark frames fit the receive buffer.");
                        }

                        buffer.AsSpan(offset, carried).CopyTo(buffer);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
