using MessagePack;

namespace Raft.Core;

/// <summary>Typed commands and queries for state machines built with <see cref="MessagePackStateMachine{TState, TCommand, TQuery, TResult}"/>.</summary>
public static class TypedRequests
{
    /// <summary>Applies <paramref name="command"/> exactly once through the client and decodes the result.</summary>
    public static async Task<TResult> ExecuteAsync<TCommand, TResult>(this RaftClient client, TCommand command, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= MessagePackStateMachine<object, TCommand, TCommand, TResult>.DefaultSerializerOptions;
        var result = await client.ExecuteAsync(MessagePackSerializer.Serialize(command, options, cancellationToken), cancellationToken);
        return MessagePackSerializer.Deserialize<TResult>(result, options, cancellationToken);
    }

    /// <summary>Runs a linearizable <paramref name="query"/> through the client and decodes the result.</summary>
    public static async Task<TResult> QueryAsync<TQuery, TResult>(this RaftClient client, TQuery query, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= MessagePackStateMachine<object, TQuery, TQuery, TResult>.DefaultSerializerOptions;
        var result = await client.ReadAsync(MessagePackSerializer.Serialize(query, options, cancellationToken), cancellationToken);
        return MessagePackSerializer.Deserialize<TResult>(result, options, cancellationToken);
    }

    /// <summary>Proposes <paramref name="command"/> on the node (leader only, no session) and decodes the result.</summary>
    public static async Task<TResult> ProposeAsync<TCommand, TResult>(this RaftNode node, TCommand command, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        options ??= MessagePackStateMachine<object, TCommand, TCommand, TResult>.DefaultSerializerOptions;
        var result = await node.ProposeAsync(MessagePackSerializer.Serialize(command, options, cancellationToken), cancellationToken);
        return MessagePackSerializer.Deserialize<TResult>(result, options, cancellationToken);
    }

    /// <summary>Runs a linearizable <paramref name="query"/> on the node and decodes the result.</summary>
    public static async Task<TResult> QueryAsync<TQuery, TResult>(this RaftNode node, TQuery query, CancellationToken cancellationToken = default, MessagePackSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        options ??= MessagePackStateMachine<object, TQuery, TQuery, TResult>.DefaultSerializerOptions;
        var result = await node.ReadAsync(MessagePackSerializer.Serialize(query, options, cancellationToken), cancellationToken);
        return MessagePackSerializer.Deserialize<TResult>(result, options, cancellationToken);
    }
}
