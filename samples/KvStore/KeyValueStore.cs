using MessagePack;

namespace KvStore;

/// <summary>
/// An ordinary single-node key-value store: a dictionary, commands in, results out. Nothing here knows about Raft; the sample
/// replicates it with <c>MessagePackStateMachine</c> in a few lines (see <see cref="ReplicatedKeyValueStore"/>).
/// </summary>
public sealed class KeyValueStore
{
    /// <summary>The data (a public property, so the default MessagePack settings snapshot it as it is).</summary>
    public Dictionary<string, string> Items { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Applies a command and returns the key's previous value.</summary>
    public string? Apply(KeyValueCommand command)
    {
        Items.TryGetValue(command.Key, out var previous);
        if (command.Value is null)
        {
            Items.Remove(command.Key);
        }
        else
        {
            Items[command.Key] = command.Value;
        }

        return previous;
    }

    /// <summary>Reads a key.</summary>
    public string? Get(string key) => Items.TryGetValue(key, out var value) ? value : null;
}

/// <summary>Sets <see cref="Key"/> to <see cref="Value"/>, or deletes it when the value is null.</summary>
[MessagePackObject]
public sealed record KeyValueCommand([property: Key(0)] string Key, [property: Key(1)] string? Value);

/// <summary>Reads <see cref="Key"/>.</summary>
[MessagePackObject]
public sealed record KeyValueQuery([property: Key(0)] string Key);
