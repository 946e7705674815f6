using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    private async ValueTask<ClientResponse> HandleClientRequestAsync(NodeId from, ClientRequest request, CancellationToken cancellationToken)
    {
        if (_fault is not null || Volatile.Read(ref _disposed) != 0)
        {
            return new ClientResponse { Status = ClientResponseStatus.Failed, Message = "The node has stopped." };
        }

        try
        {
            if (request.Kind == ClientRequestKind.Read)
            {
                return new ClientResponse { Result = await ReadAsync(request.Payload, cancellationToken) };
            }

            var status = PublishedStatus;
            if (!status.IsLeader)
            {
                return new ClientResponse { Status = ClientResponseStatus.NotLeader, LeaderHint = status.Leader };
            }

            var now = NowMilliseconds();
            var entry = request.Kind switch
            {
                ClientRequestKind.Command when request.ClientId == 0 => new HostedEntry(HostedEntryKind.Command, now, 0, 0, 0, request.Payload),
                ClientRequestKind.Command => new HostedEntry(HostedEntryKind.SessionCommand, now, request.ClientId, request.Sequence, request.LowestUnacknowledged, request.Payload),
                ClientRequestKind.OpenSession => new HostedEntry(HostedEntryKind.OpenSession, now, 0, 0, 0, default),
                ClientRequestKind.CloseSession => new HostedEntry(HostedEntryKind.CloseSession, now, request.ClientId, 0, 0, default),
                ClientRequestKind.KeepAlive => new HostedEntry(HostedEntryKind.KeepAlive, now, request.ClientId, 0, request.LowestUnacknowledged, default),
                _ => throw new ArgumentException($"Unknown request kind {request.Kind}.", nameof(request)),
            };
            var outcome = await ProposeEntryAsync(entry, cancellationToken);
            return new ClientResponse { Status = outcome.Status, Result = outcome.Result, ClientId = outcome.ClientId, Message = outcome.Message };
        }
        catch (NotLeaderException exception)
        {
            return new ClientResponse { Status = ClientResponseStatus.NotLeader, LeaderHint = exception.LeaderHint };
        }
        catch (ProposalOutcomeUnknownException exception)
        {
            return new ClientResponse { Status = ClientResponseStatus.Unknown, LeaderHint = exception.LeaderHint, Message = exception.Message };
        }
        catch (SessionExpiredException exception)
        {
            return new ClientResponse { Status = ClientResponseStatus.SessionExpired, ClientId = exception.ClientId };
        }
        catch (TimeoutException exception)
        {
            return new ClientResponse { Status = ClientResponseStatus.Unknown, Message = exception.Message };
        }
        catch (Exception exception) when (exception is ProposalRejectedException or ProposalTooLargeException or ArgumentException)
        {
            return new ClientResponse { Status = ClientResponseStatus.Rejected, Message = exception.Message };
        }
        catch (Exception exception) when (exception is StateMachineFaultedException or ObjectDisposedException or InvalidOperationException)
        {
            return new ClientResponse { Status = ClientResponseStatus.Failed, Message = exception.Message };
        }
    }
}
