namespace Raft.Core;

/// <summary>What recovery learned from reading one segment.</summary>
/// <param name="End">The offset just after the last valid record: where the next append goes if this segment is the last.</param>
/// <param name="TornEnd">The end of the torn tail to clear (equal to <paramref name="End"/> when there is none).</param>
/// <param name="Installed">Whether the segment holds an install-snapshot marker, which makes every earlier segment useless.</param>
/// <param name="HasMarker">Whether the segment holds a snapshot marker of either kind.</param>
/// <param name="Unfinished">Whether the segment is the last and holds no valid record: its creation was cut short by a crash.</param>
internal readonly record struct SegmentScan(long End, long TornEnd, bool Installed, bool HasMarker, bool Unfinished);
