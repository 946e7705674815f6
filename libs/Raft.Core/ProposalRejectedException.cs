namespace Raft.Core;

/// <summary>The leader refused a proposal or read for a transient reason; see <see cref="Reason"/>.</summary>
public sealed class ProposalRejectedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the request was refused.</param>
    /// <param name="message">A sentence saying what happened and what to do.</param>
    public ProposalRejectedException(ProposalRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the request was refused.</summary>
    public ProposalRejectionReason Reason { get; }
}
