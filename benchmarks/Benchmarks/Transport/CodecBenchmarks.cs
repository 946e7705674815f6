using System.Buffers;
using BenchmarkDotNet.Attributes;
using Cluster.Core;

namespace Benchmarks.Transport;

/// <summary>Encoding and decoding one frame with <see cref="MessageCodec"/>, for a small and a large body.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private MessageCodec _codec = null!;
    private Envelope _envelope;
    private ArrayBufferWriter<byte> _writer = null!;
    private byte[] _frame = null!;

    [Params(128, 64 * 1024)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _codec = new MessageCodec(BenchPayload.Registry());
        _envelope = Envelope.OneWay(new BenchPayload { Sequence = 42, Data = new byte[PayloadBytes] });
        _writer = new ArrayBufferWriter<byte>(PayloadBytes + 64);
        _codec.WriteFrame(_writer, _envelope);
        _frame = _writer.WrittenSpan.ToArray();
    }

    [Benchmark]
    public int Encode()
    {
        _writer.ResetWrittenCount();
        return _codec.WriteFrame(_writer, _envelope);
    }

    [Benchmark]
    public object Decode()
    {
        var buffer = new ReadOnlySequence<byte>(_frame);
        _codec.TryReadFrame(ref buffer, out var envelope);
        return envelope.Body;
    }
}
