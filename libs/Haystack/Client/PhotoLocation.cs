using System.Globalization;

namespace Haystack;

/// <summary>What names a stored photo: its logical volume, key, alternate key and cookie.</summary>
/// <param name="VolumeId">The logical volume.</param>
/// <param name="Key">The photo key.</param>
/// <param name="AlternateKey">The alternate key (for example the size variant).</param>
/// <param name="Cookie">The random cookie every read and delete must quote.</param>
public readonly record struct PhotoLocation(uint VolumeId, ulong Key, uint AlternateKey, ulong Cookie)
{
    /// <summary>The paper's <c>&lt;logical volume&gt;,&lt;key&gt;[_alternate]?cookie</c> part of a URL.</summary>
    public override string ToString() => AlternateKey == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{VolumeId},{Key}?{Cookie:x16}")
        : string.Create(CultureInfo.InvariantCulture, $"{VolumeId},{Key}_{AlternateKey}?{Cookie:x16}");
}
