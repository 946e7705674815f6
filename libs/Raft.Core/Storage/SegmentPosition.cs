namespace Raft.Core;

/// <summary>Where a segment stands among those recovery replays, which decides how much damage it may show.</summary>
/// <param name="IsFirst">The first segment replayed: the replay starts at its first index.</param>
/// <param name="IsOldest">The first segment replayed, with no leftover segments before it.</param>
/// <param name="IsLast">The newest segment: only it may end in a torn write.</param>
internal readonly record struct SegmentPosition(bool IsFirst, bool IsOldest, bool IsLast);
