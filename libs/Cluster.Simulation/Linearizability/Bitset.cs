namespace Cluster.Simulation;

/// <summary>A fixed-size set of operation ids: which operations the search has linearized.</summary>
internal sealed class Bitset(int size)
{
    public ulong[] Words { get; } = new ulong[(size + 63) / 64];

    public void Set(int index) => Words[index >> 6] |= 1UL << (index & 63);

    public void Clear(int index) => Words[index >> 6] &= ~(1UL << (index & 63));

    public int Hash()
    {
        // FNV-1a over the words with a final mix; the set is probed once per step, so it must be cheap.
        var hash = 0xcbf29ce484222325UL;
        foreach (var word in Words)
        {
            hash = (hash ^ word) * 0x100000001b3UL;
            hash ^= hash >> 29;
        }

        return (int)hash ^ (int)(hash >> 32);
    }
}
