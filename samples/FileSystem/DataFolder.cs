using System.Globalization;

namespace FileSystem;

/// <summary>
/// A node's (or the embedded cluster's) data folder, marked with the chunk size it was created with: chunk offsets mean
/// nothing under another size, so opening it with a different one is refused.
/// </summary>
internal static class DataFolder
{
    private const string MarkerName = "chunk-size";

    /// <summary>Creates the folder if needed (emptied first when <paramref name="fresh"/>) and checks or writes its chunk size.</summary>
    /// <exception cref="InvalidOperationException">The folder holds data written with another chunk size.</exception>
    public static string Prepare(string folder, long chunkSize, bool fresh)
    {
        var full = Path.GetFullPath(folder);
        if (fresh && Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }

        Directory.CreateDirectory(full);
        var marker = Path.Combine(full, MarkerName);
        var text = chunkSize.ToString(CultureInfo.InvariantCulture);
        if (File.Exists(marker))
        {
            var recorded = File.ReadAllText(marker).Trim();
            if (recorded != text)
            {
                throw new InvalidOperationException($"{full} holds data written with chunks of {recorded} bytes; run with --chunk-size {recorded}, or remove the folder.");
            }
        }
        else
        {
            File.WriteAllText(marker, text);
        }

        return full;
    }
}
