using System.Diagnostics;

namespace Benchmarks.Gfs;

/// <summary>
/// The raw side of <c>compare disk</c>: plain positional writes to files in the same folder as the cluster's, with an fsync
/// (<see cref="RandomAccess.FlushToDisk"/>, what <c>DiskFileStorage</c> calls) after every write, and plain reads.
/// </summary>
internal static class RawDisk
{
    /// <summary>Writes <paramref name="totalBytes"/> to a new file in pieces of <paramref name="writeBytes"/>, each fsynced; returns MB/s.</summary>
    /// <param name="journal">Also append a small record to a second file and fsync it after each write (the chunk store's journal).</param>
    public static double SequentialWrite(string folder, long totalBytes, int writeBytes, bool journal = false)
    {
        var path = Path.Combine(folder, $"raw-{Guid.NewGuid():N}.dat");
        var journalPath = path + ".meta";
        var buffer = Payload(writeBytes);
        var record = new byte[64];
        try
        {
            using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
            using var journalFile = journal ? File.OpenHandle(journalPath, FileMode.CreateNew, FileAccess.ReadWrite) : null;
            var started = Stopwatch.GetTimestamp();
            for (long offset = 0, index = 0; offset < totalBytes; offset += writeBytes, index++)
            {
                RandomAccess.Write(file, buffer, offset);
                RandomAccess.FlushToDisk(file);
                if (journalFile is not null)
                {
                    RandomAccess.Write(journalFile, record, index * record.Length);
                    RandomAccess.FlushToDisk(journalFile);
                }
            }

            return MegabytesPerSecond(totalBytes, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            File.Delete(path);
            File.Delete(journalPath);
        }
    }

    /// <summary>
    /// Three writers at once, each to its own file (three copies of the data on this one disk), every write fsynced; returns
    /// MB/s of distinct data (a third of the bytes that reach the disk).
    /// </summary>
    public static async Task<double> ThreeCopiesAsync(string folder, long totalBytes, int writeBytes)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(
            () => SequentialWrite(folder, totalBytes, writeBytes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        return MegabytesPerSecond(totalBytes, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Writes a file (not timed), then reads it back sequentially in pieces of <paramref name="readBytes"/>; returns MB/s.</summary>
    public static double SequentialRead(string folder, long totalBytes, int readBytes)
    {
        var path = Path.Combine(folder, $"raw-{Guid.NewGuid():N}.dat");
        var buffer = Payload(readBytes);
        try
        {
            using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
            for (long offset = 0; offset < totalBytes; offset += readBytes)
            {
                RandomAccess.Write(file, buffer, offset);
            }

            RandomAccess.FlushToDisk(file);
            var started = Stopwatch.GetTimestamp();
            for (long offset = 0; offset < totalBytes; offset += readBytes)
            {
                RandomAccess.Read(file, buffer, offset);
            }

            return MegabytesPerSecond(totalBytes, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static double MegabytesPerSecond(long bytes, TimeSpan elapsed) => bytes / (1024.0 * 1024) / elapsed.TotalSeconds;

    private static byte[] Payload(int bytes)
    {
        // Incompressible, so no layer below can cheat.
        var buffer = new byte[bytes];
        new Cluster.Core.RandomSource(99).NextBytes(buffer);
        return buffer;
    }
}
