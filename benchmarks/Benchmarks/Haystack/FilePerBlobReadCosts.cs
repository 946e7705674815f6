using System.Diagnostics;
using Haystack;

namespace Benchmarks.Haystack;

/// <summary>
/// The cost of one warm read on each side, taken apart: one thread, the same random keys, every part timed around
/// itself (a timestamp costs a few tens of nanoseconds, included in each part). Microseconds per read.
/// </summary>
internal static class FilePerBlobReadCosts
{
    public static async Task<Dictionary<string, object>> MeasureAsync(PhysicalVolume volume, string volumePath, FilePerBlobPeer peer, int[] keys)
    {
        using var volumeHandle = FilePerBlobPeer.OpenForRead(volumePath);
        var buffer = new byte[NeedleFormat.NeedleBytes(FilePerBlobPeer.MaxBlobBytes)];
        var count = keys.Length;

        // One pass of each before timing, so both sides' pages, the pool and the code are warm.
        foreach (var key in keys)
        {
            (await volume.ReadLeasedAsync((ulong)key, 0, (ulong)key)).Dispose();
            peer.ReadPooled(key);
        }

        long lookup = 0, positionalRead = 0, verify = 0;
        foreach (var key in keys)
        {
            var t0 = Stopwatch.GetTimestamp();
            _ = volume.TryLocate((ulong)key, 0, out var offset, out var length);
            var t1 = Stopwatch.GetTimestamp();
            var read = RandomAccess.Read(volumeHandle, buffer.AsSpan(0, length), offset);
            var t2 = Stopwatch.GetTimestamp();
            if (NeedleFormat.Verify(buffer.AsSpan(0, read), out var reason) is null)
            {
                throw new InvalidOperationException($"Needle {key} failed its checks: {reason}.");
            }

            var t3 = Stopwatch.GetTimestamp();
            (lookup, positionalRead, verify) = (lookup + t1 - t0, positionalRead + t2 - t1, verify + t3 - t2);
        }

        var freshArray = Time(count, i =>
        {
            _ = volume.TryLocate((ulong)keys[i], 0, out var offset, out var length);
            RandomAccess.Read(volumeHandle, GC.AllocateUninitializedArray<byte>(length), offset);
        });
        var systemCallFloor = Time(count, i => RandomAccess.Read(volumeHandle, buffer.AsSpan(0, 8), NeedleFormat.SuperblockBytes));

        long open = 0, peerRead = 0, close = 0;
        foreach (var key in keys)
        {
            var t0 = Stopwatch.GetTimestamp();
            var handle = File.OpenHandle(peer.PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read);
            var t1 = Stopwatch.GetTimestamp();
            RandomAccess.Read(handle, buffer.AsSpan(0, FilePerBlobPeer.MaxBlobBytes), 0);
            var t2 = Stopwatch.GetTimestamp();
            handle.Dispose();
            var t3 = Stopwatch.GetTimestamp();
            (open, peerRead, close) = (open + t1 - t0, peerRead + t2 - t1, close + t3 - t2);
        }

        var oursArray = await TimeAsync(count, async i => _ = await volume.ReadAsync((ulong)keys[i], 0, (ulong)keys[i]));
        var oursLeased = await TimeAsync(count, async i => (await volume.ReadLeasedAsync((ulong)keys[i], 0, (ulong)keys[i])).Dispose());
        return new Dictionary<string, object>
        {
            ["reads"] = count,
            ["ours_index_lookup"] = Micro(lookup, count),
            ["ours_pread_whole_needle_into_reused_buffer"] = Micro(positionalRead, count),
            ["ours_verify_needle_crc32c_and_checks"] = Micro(verify, count),
            ["ours_pread_into_fresh_uninitialised_array"] = Round(freshArray),
            ["pread_of_8_bytes_system_call_floor"] = Round(systemCallFloor),
            ["ours_total_array_read"] = Round(oursArray),
            ["ours_total_leased_read"] = Round(oursLeased),
            ["peer_open_file_handle"] = Micro(open, count),
            ["peer_pread_whole_file_into_reused_buffer"] = Micro(peerRead, count),
            ["peer_close"] = Micro(close, count),
            ["peer_total_read_all_bytes"] = Round(Time(count, i => peer.ReadAllBytes(keys[i]))),
            ["peer_total_pooled_read"] = Round(Time(count, i => peer.ReadPooled(keys[i]))),
            ["peer_total_open_pread_close_system_calls"] = Round(Time(count, i => peer.ReadWithSystemCalls(keys[i], buffer))),
            ["peer_open_close_system_calls"] = Round(Time(count, i => peer.OpenAndCloseWithSystemCalls(keys[i]))),
        };
    }

    private static double Micro(long ticks, int count) => Round(ticks * 1e6 / Stopwatch.Frequency / count);

    private static double Round(double value) => Math.Round(value, 3);

    private static double Time(int count, Action<int> operation)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            operation(i);
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / count;
    }

    private static async Task<double> TimeAsync(int count, Func<int, ValueTask> operation)
    {
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await operation(i);
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / count;
    }
}
