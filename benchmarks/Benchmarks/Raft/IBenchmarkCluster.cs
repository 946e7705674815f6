namespace Benchmarks.Raft;

/// <summary>A replicated cluster under load: commands go to its current leader and complete once committed and applied there.</summary>
internal interface IBenchmarkCluster : IAsyncDisposable
{
    /// <summary>Replicates one command through the current leader; throws when that node is no longer the leader.</summary>
    ValueTask ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);

    /// <summary>Waits until some node leads and makes it the target of <see cref="ProposeAsync"/>.</summary>
    Task WaitForLeaderAsync(CancellationToken cancellationToken);
}
