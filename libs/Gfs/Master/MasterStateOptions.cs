namespace Gfs;

/// <summary>The limits the replicated master state applies; every master node of a group must use the same values.</summary>
internal sealed record MasterStateOptions(int MaxChunksPerFile, TimeSpan RetryCacheTtl);
