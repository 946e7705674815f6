namespace Gfs;

/// <summary>One record decoded by <see cref="GfsRecords.Decode"/>.</summary>
/// <param name="Offset">Where it starts in the data decoded.</param>
/// <param name="Id">The writer's unique id for it.</param>
/// <param name="Payload">Its payload.</param>
public sealed record GfsRecord(long Offset, ulong Id, byte[] Payload);
