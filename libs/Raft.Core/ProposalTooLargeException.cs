namespace Raft.Core;

/// <summary>A proposal's payload exceeds <see cref="RaftOptions.MaxSizePerMessageBytes"/>, so it could never be replicated.</summary>
public sealed class ProposalTooLargeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sizeBytes">The payload size.</param>
    /// <param name="limitBytes">The limit it exceeds.</param>
    public ProposalTooLargeException(long sizeBytes, long limitBytes)
        : base($"The proposal is {sizeBytes} bytes but RaftOptions.MaxSizePerMessageBytes is {limitBytes}; split the command or raise the limit.")
    {
        SizeBytes = sizeBytes;
        LimitBytes = limitBytes;
    }

    /// <summary>The payload size.</summary>
    public long SizeBytes { get; }

    /// <summary>The limit it exceeds.</summary>
    public long LimitBytes { get; }
}
