using MessagePack;
using MessagePack.Resolvers;

namespace Raft.Core;

/// <summary>
/// Turns an ordinary single-node state object into an <see cref="IStateMachine"/>: commands and queries are MessagePack-encoded
/// values, applied by the functions you pass, and the whole state object is the snapshot. Replicating an existing class is then a
/// matter of passing it here and starting a <see cref="RaftNode"/> (see <c>samples/KvStore</c>).
/// </summary>
/// <typeparam name="TState">The state; MessagePack-serializable (attributes, or any plain class with the default contractless settings).</typeparam>
/// <typeparam name="TCommand">The commands that change it.</typeparam>
/// <typeparam name="TQuery">The read-only queries.</typeparam>
/// <typeparam name="TResult">What commands and queries return.</typeparam>
/// <remarks>
/// <paramref name="apply"/> must be deterministic (no clock, randomness or I/O) and is called from the node's apply loop only;
/// read <see cref="State"/> from elsewhere only through <see cref="RaftNode.ReadAsync"/> (which calls <c>query</c> there).
/// </remarks>
/// <param name="state">The initial state (replaced when a snapshot is restored).</param>
/// <param name="apply">Applies a command to the state and returns its result.</param>
/// <param name="query">Answers a query from the state without changing it.</param>
/// <param name="serializerOptions">How values are encoded; <see cref="DefaultSerializerOptions"/> when null.</param>
public sealed class MessagePackStateMachine<TState, TCommand, TQuery, TResult>(
    TState state,
    Func<TState, TCommand, TResult> apply,
    Func<TState, TQuery, TResult> query,
    MessagePackSerializerOptions? serializerOptions = null) : IStateMachine
    where TState : class
{
    private readonly Func<TState, TCommand, TResult> _apply = apply ?? throw new ArgumentNullException(nameof(apply));
    private readonly Func<TState, TQuery, TResult> _query = query ?? throw new ArgumentNullException(nameof(query));
    private readonly MessagePackSerializerOptions _serializer = serializerOptions ?? DefaultSerializerOptions;

    /// <summary>Contractless MessagePack (plain classes serialize as they are) with the settings for untrusted input.</summary>
    public static MessagePackSerializerOptions DefaultSerializerOptions { get; } =
        MessagePackSerializerOptions.Standard.WithResolver(ContractlessStandardResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>The current state.</summary>
    public TState State { get; private set; } = state ?? throw new ArgumentNullException(nameof(state));

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var decoded = MessagePackSerializer.Deserialize<TCommand>(command, _serializer, cancellationToken);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MessagePackSerializer.Serialize(_apply(State, decoded), _serializer, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        var decoded = MessagePackSerializer.Deserialize<TQuery>(query, _serializer, cancellationToken);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MessagePackSerializer.Serialize(_query(State, decoded), _serializer, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken) =>
        await MessagePackSerializer.SerializeAsync(destination, State, _serializer, cancellationToken);

    /// <inheritdoc />
    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken) =>
        State = await MessagePackSerializer.DeserializeAsync<TState>(source, _serializer, cancellationToken);
}
