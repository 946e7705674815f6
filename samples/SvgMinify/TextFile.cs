using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SvgMinify;

/// <summary>
/// Reads and writes whole text files with one read and one write system call each (plus open and
/// close), through a pooled buffer: a folder run spends as much time in the kernel as in the
/// minifier, and <see cref="File.ReadAllText(string)"/> and <see cref="File.WriteAllText(string, string?)"/>
/// go through buffered streams with several calls per file.
/// </summary>
/// <remarks>
/// Decoding is the same as <see cref="File.ReadAllText(string)"/>: UTF-8 unless a byte order mark names
/// UTF-16 or UTF-32, the mark itself dropped, invalid bytes read as U+FFFD. Writing is UTF-8 without
/// a byte order mark. Thread-safe.
/// </remarks>
internal static class TextFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Reads a whole file as text.</summary>
    public static string Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
        {
            throw new IOException($"{path} is too large to read as text ({length} bytes).");
        }

        // One byte more than the length tells a file that grew since it was measured (read it again
        // the slow way) without a second call in the usual case.
        var buffer = ArrayPool<byte>.Shared.Rent((int)length + 1);
        try
        {
            var count = ReadAll(handle, buffer, out var complete);
            return complete ? Decode(buffer.AsSpan(0, count)) : File.ReadAllText(path);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes text as UTF-8 without a byte order mark, replacing the file.</summary>
    public static void Write(string path, string text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Utf8.GetMaxByteCount(text.Length));
        try
        {
            var count = Utf8.GetBytes(text, buffer);
            // Written over in place and cut to length after, not truncated first: ext4 (and others
            // with delayed allocation) flushes a file that was truncated to zero when it is closed,
            // so rewriting an existing output folder would wait for the disk once per file.
            using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, buffer.AsSpan(0, count), fileOffset: 0);
            if (RandomAccess.GetLength(handle) > count)
            {
                RandomAccess.SetLength(handle, count);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ReadAll(SafeFileHandle handle, byte[] buffer, out bool complete)
    {
        var count = 0;
        while (count < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(count), count);
            count += read;
            if (read == 0 || count < buffer.Length)
            {
                // A regular file reads short only at its end: no second call to learn that.
                complete = true;
                return count;
            }
        }

        complete = false;
        return count;
    }

    private static string Decode(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Encoding.UTF8.GetString(bytes[3..]),
        [0xFF, 0xFE, 0, 0, ..] => Encoding.UTF32.GetString(bytes[4..]),
        [0, 0, 0xFE, 0xFF, ..] => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetString(bytes[4..]),
        [0xFF, 0xFE, ..] => Encoding.Unicode.GetString(bytes[2..]),
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetString(bytes[2..]),
        _ => Encoding.UTF8.GetString(bytes),
    };
}
