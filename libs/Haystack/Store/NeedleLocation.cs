namespace Haystack;

/// <summary>Where a needle lies in its volume file: its offset and its whole length on disk, padding included.</summary>
internal readonly record struct NeedleLocation(long Offset, int Length);
