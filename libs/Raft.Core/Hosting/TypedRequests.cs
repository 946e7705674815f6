using MessagePack;

namespace Raft.Core;

/// <summary>Typed commands and queries for state machines built with <see cref="MessagePackStateMachine{TState, TCommand, TQuery, TResult}"/>.</summary>
public static class TypedRequests
{
    /// <summary>Applies <paramref name="command"/> exactly once through the client and decodes the result.</summary>
    public static async Task<TResult> ExecuteAsync<TCommand, TResult>(this RaftClient client, TCommand command, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await CallAsync<TCommand, TResult>(command, client.ExecuteAsync, options, cancellationToken);
    }

    /// <summary>Runs a linearizable <paramref name="query"/> through the client and decodes the result.</summary>
    public static async Task<TResult> QueryAsync<TQuery, TResult>(this RaftClient client, TQuery query, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await CallAsync<TQuery, TResult>(query, client.ReadAsync, options, cancellationToken);
    }

    /// <summary>Proposes <paramref name="command"/> on the node (leader only, no session) and decodes the result.</summary>
    public static async Task<TResult> ProposeAsync<TCommand, TResult>(this RaftNode node, TCommand command, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return await CallAsync<TCommand, TResult>(command, node.ProposeAsync, options, cancellationToken);
    }

    /// <summary>Runs a linearizable <paramref name="query"/> on the node and decodes the result.</summary>
    public static async Task<TResult> QueryAsync<TQuery, TResult>(this RaftNode node, TQuery query, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        return await CallAsync<TQuery, TResult>(query, node.ReadAsync, options, cancellationToken);
    }

    /// <summary>Encodes the request, sends it through <paramref name="send"/> and decodes the answer.</summary>
    private static async Task<TResult> CallAsync<TRequest, TResult>(
        TRequest request,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task<ReadOnlyMemory<byte>>> send,
        MessagePackSerializerOptions? options,
        CancellationToken cancellationToken)
    {
        options ??= MessagePackStateMachine<object, TRequest, TRequest, TResult>.DefaultSerializerOptions;
        var result = await send(MessagePackSerializer.Serialize(request, options, cancellationToken), cancellationToken);
        return MessagePackSerializer.Deserialize<TResult>(result, options, cancellationToken);
    }
}
