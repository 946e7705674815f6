namespace Haystack;

public sealed partial class PhysicalVolume
{
    /// <summary>Every live needle's key, alternate key and length on disk, sorted by key then alternate key.</summary>
    /// <remarks>A repair walks the lists of its source and its target side by side, so both must come in one order.</remarks>
    internal List<(ulong Key, uint AlternateKey, int Length)> ListNeedles()
    {
        List<(ulong Key, uint AlternateKey, int Length)> needles;
        lock (_indexLock)
        {
            needles = [.. _index.Entries().Select(e => (e.Key, e.AlternateKey, e.Location.Length))];
        }

        needles.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.AlternateKey.CompareTo(b.AlternateKey));
        return needles;
    }

    /// <summary>
    /// The whole needle of (key, alternate key) as stored, verified but with no cookie check, for a repair that copies it to
    /// another replica; null when there is no live needle.
    /// </summary>
    /// <exception cref="NeedleCorruptException">The needle failed its checks (reported as any corruption is, when <paramref name="report"/>).</exception>
    internal async Task<byte[]?> ReadNeedleAsync(ulong key, uint alternateKey, bool report, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        NeedleLocation location;
        VolumeFile file;
        lock (_indexLock)
        {
            if (!_index.TryGet(key, alternateKey, out location))
            {
                return null;
            }

            file = _file;
            file.AddReader();
        }

        try
        {
            var buffer = GC.AllocateUninitializedArray<byte>(location.Length);
            var read = await file.Handle.ReadAsync(location.Offset, buffer, cancellationToken);
            string? reason = null;
            var header = read == buffer.Length ? NeedleFormat.Verify(buffer, out reason) : null;
            if (header is null || header.Value.Key != key || header.Value.AlternateKey != alternateKey)
            {
                reason = read != buffer.Length ? $"short read of {read} of {buffer.Length} bytes" : reason ?? "the needle at the indexed offset has another key";
                throw report ? ReportCorruption(location.Offset, reason) : new NeedleCorruptException(FileName, location.Offset, reason);
            }

            return header.Value.IsDeleted ? null : buffer;
        }
        finally
        {
            file.ReleaseReader();
        }
    }

    /// <summary>Appends a whole needle copied from another replica (checked by the caller), as a write of its fields.</summary>
    internal Task WriteNeedleAsync(NeedleHeader header, ReadOnlyMemory<byte> needle, CancellationToken cancellationToken) =>
        WriteAsync(header.Key, header.AlternateKey, header.Cookie, needle.Slice(NeedleFormat.HeaderBytes, (int)header.DataSize), cancellationToken);
}
