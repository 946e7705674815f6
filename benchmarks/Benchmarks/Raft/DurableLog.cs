using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>Opens the durable log store our side runs on in the fsync mode, in a folder of its own.</summary>
internal static class DurableLog
{
#if SEGMENTED_LOG_STORE
    public const string Description = "SegmentedLogStore over DiskFileStorage (one fsync per Ready that must sync)";

    public static async ValueTask<ILogStore> OpenAsync(string folder) => await SegmentedLogStore.OpenAsync(new DiskFileStorage(folder));
#else
    public const string Description = "FileBackedLogStore (benchmark stand-in until SegmentedLogStore lands): one append-only file over DiskFileStorage, one fsync per Ready that must sync";

    public static async ValueTask<ILogStore> OpenAsync(string folder) => await FileBackedLogStore.OpenAsync(new DiskFileStorage(folder));
#endif
}
