namespace Raft.Core;

/// <summary>The outcome of counting votes (or acknowledgements) against a configuration.</summary>
internal enum VoteResult
{
    Pending = 0,
    Lost = 1,
    Won = 2,
}
