using System.Diagnostics;

namespace Benchmarks.Gfs;

/// <summary>What the chunkservers' storage did, summed over all of them; read as differences between two snapshots.</summary>
internal sealed class DiskCounters
{
    private long _dataFlushes;
    private long _dataFlushTicks;
    private long _journalFlushes;
    private long _journalFlushTicks;
    private long _folderSyncs;
    private long _folderSyncTicks;
    private long _dataBytes;
    private long _journalBytes;
    private long _writeTicks;

    public void AddFlush(bool isData, long ticks)
    {
        if (isData)
        {
            Interlocked.Increment(ref _dataFlushes);
            Interlocked.Add(ref _dataFlushTicks, ticks);
        }
        else
        {
            Interlocked.Increment(ref _journalFlushes);
            Interlocked.Add(ref _journalFlushTicks, ticks);
        }
    }

    public void AddFolderSync(long ticks)
    {
        Interlocked.Increment(ref _folderSyncs);
        Interlocked.Add(ref _folderSyncTicks, ticks);
    }

    public void AddWrite(bool isData, int bytes, long ticks)
    {
        Interlocked.Add(ref isData ? ref _dataBytes : ref _journalBytes, bytes);
        Interlocked.Add(ref _writeTicks, ticks);
    }

    public Snapshot Capture() => new(
        Interlocked.Read(ref _dataFlushes),
        Interlocked.Read(ref _dataFlushTicks),
        Interlocked.Read(ref _journalFlushes),
        Interlocked.Read(ref _journalFlushTicks),
        Interlocked.Read(ref _folderSyncs),
        Interlocked.Read(ref _folderSyncTicks),
        Interlocked.Read(ref _dataBytes),
        Interlocked.Read(ref _journalBytes),
        Interlocked.Read(ref _writeTicks));

    /// <summary>The counters at one moment.</summary>
    internal readonly record struct Snapshot(
        long DataFlushes,
        long DataFlushTicks,
        long JournalFlushes,
        long JournalFlushTicks,
        long FolderSyncs,
        long FolderSyncTicks,
        long DataBytes,
        long JournalBytes,
        long WriteTicks)
    {
        /// <summary>The work between <paramref name="start"/> and this snapshot, per client operation of <paramref name="operations"/>.</summary>
        public Dictionary<string, object> Since(Snapshot start, long operations, TimeSpan window)
        {
            var perOperation = (double)Math.Max(1, operations);
            static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
            var dataFlushes = DataFlushes - start.DataFlushes;
            var journalFlushes = JournalFlushes - start.JournalFlushes;
            return new Dictionary<string, object>
            {
                ["data_fsyncs_per_op"] = Math.Round(dataFlushes / perOperation, 2),
                ["journal_fsyncs_per_op"] = Math.Round(journalFlushes / perOperation, 2),
                ["folder_syncs"] = FolderSyncs - start.FolderSyncs,
                ["data_fsync_ms_mean"] = Math.Round(Seconds(DataFlushTicks - start.DataFlushTicks) * 1000 / Math.Max(1, dataFlushes), 2),
                ["journal_fsync_ms_mean"] = Math.Round(Seconds(JournalFlushTicks - start.JournalFlushTicks) * 1000 / Math.Max(1, journalFlushes), 2),
                ["fsync_busy_fraction"] = Math.Round(Seconds(DataFlushTicks - start.DataFlushTicks + JournalFlushTicks - start.JournalFlushTicks + FolderSyncTicks - start.FolderSyncTicks) / window.TotalSeconds, 2),
                ["write_syscall_busy_fraction"] = Math.Round(Seconds(WriteTicks - start.WriteTicks) / window.TotalSeconds, 2),
                ["data_bytes_per_op"] = Math.Round((DataBytes - start.DataBytes) / perOperation),
                ["journal_bytes_per_op"] = Math.Round((JournalBytes - start.JournalBytes) / perOperation),
            };
        }
    }
}
