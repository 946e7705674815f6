using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Cluster.Core;

/// <summary>
/// Maps message types to the 16-bit type ids written in frames. Every type that crosses a transport
/// is registered once, by each library for its own messages, with ids from the library's reserved
/// block (see <c>docs/architecture.md</c>): Cluster.Core 0–99, Raft.Core 100–199, Chubby 200–299,
/// Gfs 300–399, BigTable 400–499, Haystack 500–599; 1000 and above are free for applications.
/// </summary>
/// <remarks>
/// Registration is thread-safe. Lookups after <see cref="Freeze"/> are lock-free; a registry is
/// frozen automatically by the first codec that uses it. Types must be MessagePack-serializable
/// with explicit keys (<c>[MessagePackObject]</c> with <c>[Key(n)]</c>).
/// </remarks>
public sealed class MessageTypeRegistry
{
    private readonly ConcurrentDictionary<Type, ushort> _idsByType = new();
    private readonly ConcurrentDictionary<ushort, Type> _typesById = new();
    private readonly Lock _gate = new();
    private FrozenDictionary<Type, ushort>? _frozenIds;
    private FrozenDictionary<ushort, Type>? _frozenTypes;

    /// <summary>Creates a registry holding the suite's own wire types (<see cref="RemoteError"/>).</summary>
    public MessageTypeRegistry()
    {
        Register<RemoteError>(RemoteErrorTypeId);
    }

    /// <summary>The type id of <see cref="RemoteError"/>.</summary>
    public const ushort RemoteErrorTypeId = 0;

    /// <summary>Whether the registry has been frozen; no types can be added after that.</summary>
    public bool IsFrozen => _frozenIds is not null;

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="typeId"/>.</summary>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="ArgumentException">The id or the type is already registered with a different partner.</exception>
    /// <exception cref="InvalidOperationException">The registry is frozen.</exception>
    public MessageTypeRegistry Register<T>(ushort typeId) => Register(typeof(T), typeId);

    /// <summary>Registers <paramref name="type"/> under <paramref name="typeId"/>; registering the same pair again is allowed.</summary>
    /// <returns>This registry, for chaining.</returns>
    /// <exception cref="ArgumentException">The id or the type is already registered with a different partner.</exception>
    /// <exception cref="InvalidOperationException">The registry is frozen.</exception>
    public MessageTypeRegistry Register(Type type, ushort typeId)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            if (_typesById.TryGetValue(typeId, out var existing))
            {
                if (existing == type)
                {
                    return this;
                }

                throw new ArgumentException($"Message type id {typeId} is already used by {existing.FullName}; cannot register {type.FullName}.", nameof(typeId));
            }

            if (_idsByType.TryGetValue(type, out var existingId))
            {
                throw new ArgumentException($"{type.FullName} is already registered with id {existingId}.", nameof(type));
            }

            if (IsFrozen)
            {
                throw new InvalidOperationException($"The message type registry is frozen (a codec already uses it); register {type.FullName} before creating transports.");
            }

            _typesById[typeId] = type;
            _idsByType[type] = typeId;
        }

        return this;
    }

    /// <summary>Stops further registration and switches lookups to frozen tables.</summary>
    public void Freeze()
    {
        lock (_gate)
        {
            _frozenTypes ??= _typesById.ToFrozenDictionary();
            _frozenIds ??= _idsByType.ToFrozenDictionary();
        }
    }

    /// <summary>Finds the id of a registered type.</summary>
    public bool TryGetId(Type type, out ushort typeId) =>
        _frozenIds is { } frozen ? frozen.TryGetValue(type, out typeId) : _idsByType.TryGetValue(type, out typeId);

    /// <summary>Finds the type registered under an id.</summary>
    public bool TryGetType(ushort typeId, out Type type) =>
        _frozenTypes is { } frozen ? frozen.TryGetValue(typeId, out type!) : _typesById.TryGetValue(typeId, out type!);

    /// <summary>Returns the id of a registered type.</summary>
    /// <exception cref="ArgumentException">The type was never registered.</exception>
    public ushort GetId(Type type) =>
        TryGetId(type, out var id)
            ? id
            : throw new ArgumentException($"{type.FullName} is not a registered message type; call MessageTypeRegistry.Register<{type.Name}>(id) at startup.", nameof(type));
}
