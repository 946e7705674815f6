using System.Diagnostics;

namespace Benchmarks.Raft;

/// <summary>
/// Process-wide costs over a measured window: CPU time, managed bytes allocated, garbage collections and their pauses. Both sides run in
/// this process one at a time, so dividing by committed commands gives each side's cost per command.
/// </summary>
internal readonly record struct ProcessCounters(TimeSpan Cpu, long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
{
    public static ProcessCounters Capture()
    {
        using var process = Process.GetCurrentProcess();
        return new(
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration());
    }

    /// <summary>Costs between <paramref name="start"/> and this capture, per committed command where that is the unit.</summary>
    public IReadOnlyDictionary<string, object> Since(ProcessCounters start, long committed, TimeSpan window)
    {
        var perCommand = (double)Math.Max(1, committed);
        return new Dictionary<string, object>
        {
            ["cpu_us_per_command"] = Math.Round((Cpu - start.Cpu).TotalMicroseconds / perCommand, 2),
            ["cpu_cores_busy"] = Math.Round((Cpu - start.Cpu) / window, 2),
            ["allocated_bytes_per_command"] = Math.Round((AllocatedBytes - start.AllocatedBytes) / perCommand),
            ["gc_gen0_per_s"] = Math.Round((Gen0 - start.Gen0) / window.TotalSeconds, 1),
            ["gc_gen1_per_s"] = Math.Round((Gen1 - start.Gen1) / window.TotalSeconds, 1),
            ["gc_gen2_in_window"] = Gen2 - start.Gen2,
            ["gc_pause_fraction"] = Math.Round((GcPause - start.GcPause) / window, 3),
        };
    }
}
