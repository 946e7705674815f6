namespace PhotoStore;

/// <summary>What <c>POST /photos</c> answers: the photo's identity and the paper's URL to read it by.</summary>
/// <param name="Volume">The logical volume.</param>
/// <param name="Key">The photo key.</param>
/// <param name="AlternateKey">The alternate key.</param>
/// <param name="Cookie">The cookie, as the 16 hex digits of the URL.</param>
/// <param name="Url">The URL in the paper's form, <c>/&lt;cache&gt;/&lt;machine&gt;/&lt;volume&gt;,&lt;key&gt;[_&lt;alternate&gt;]?&lt;cookie&gt;</c>.</param>
/// <param name="Bytes">The photo's size.</param>
public sealed record UploadResult(uint Volume, ulong Key, uint AlternateKey, string Cookie, string Url, int Bytes);
