namespace Haystack;

/// <summary>The fixed fields at the start of a needle.</summary>
internal readonly record struct NeedleHeader(ulong Cookie, ulong Key, uint AlternateKey, byte Flags, uint DataSize)
{
    public bool IsDeleted => (Flags & NeedleFormat.DeletedFlag) != 0;
}
