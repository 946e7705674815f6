namespace Haystack;

/// <summary>A photo URL is malformed; the message says where and what was expected.</summary>
public sealed class PhotoUrlFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="url"/>.</summary>
    public PhotoUrlFormatException(string url, int position, string expected)
        : base($"Malformed photo URL '{url}' at character {position}: expected {expected}. The form is /<cache>/<machine>/<logical volume>,<key>[_<alternate key>]?<cookie as 16 hex digits>, with '-' as the cache for a direct read.")
    {
        Url = url;
        Position = position;
    }

    /// <summary>The URL.</summary>
    public string Url { get; }

    /// <summary>The zero-based position of the first character that does not fit.</summary>
    public int Position { get; }
}
