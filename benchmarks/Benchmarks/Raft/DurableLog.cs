using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>Opens the durable log store our side runs on (with fsync on the disk, or in a tmpfs folder), in a folder of its own.</summary>
internal static class DurableLog
{
    public const string Description = "SegmentedLogStore over DiskFileStorage, default options (64 MiB segments); one fsync per Ready that must sync";

    public static async ValueTask<ILogStore> OpenAsync(string folder) => await SegmentedLogStore.OpenAsync(new DiskFileStorage(folder));
}
