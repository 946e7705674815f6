namespace Chubby;

/// <summary>A file's whole contents with the metadata they were read with.</summary>
/// <param name="Contents">The contents.</param>
/// <param name="Stat">The metadata; <see cref="NodeStat.ContentGeneration"/> is the value to pass for compare-and-swap.</param>
public sealed record NodeContents(ReadOnlyMemory<byte> Contents, NodeStat Stat);
