using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Benchmarks.Haystack;

/// <summary>
/// The peer of <c>compare file-per-blob</c>: one file per blob in a two-level directory tree (256 x 256 folders by the
/// key's low bytes), written with an fsync per blob, read three ways so that each of our read paths meets its match.
/// </summary>
internal sealed class FilePerBlobPeer(string root)
{
    /// <summary>The largest blob the comparison writes; a pooled read asks for this much and the file's end cuts it.</summary>
    public const int MaxBlobBytes = 64 * 1024;

    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux

    public string Root { get; } = root;

    public string PathOf(int key) =>
        Path.Combine(Root, (key & 0xFF).ToString("x2", CultureInfo.InvariantCulture), ((key >> 8) & 0xFF).ToString("x2", CultureInfo.InvariantCulture), key.ToString(CultureInfo.InvariantCulture));

    public async Task WriteAsync(int key, ReadOnlyMemory<byte> data)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        await stream.WriteAsync(data);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The allocating read, as most code reads a file: a fresh array of the file's size.</summary>
    public byte[] ReadAllBytes(int key) => File.ReadAllBytes(PathOf(key));

    /// <summary>
    /// The pooled read: open, one positional read into a rented buffer of the largest blob's size (the file's end stops
    /// it, so no size query is needed), close. The same courtesy as our leased read.
    /// </summary>
    public int ReadPooled(int key)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBlobBytes);
        try
        {
            using var handle = File.OpenHandle(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read);
            return RandomAccess.Read(handle, buffer.AsSpan(0, MaxBlobBytes), 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The leanest read a file-per-blob store could do on Linux: open(2), pread(2), close(2) called directly, without the
    /// runtime's fstat and advisory lock on open. Used for the per-read cost breakdown only.
    /// </summary>
    public int ReadWithSystemCalls(int key, byte[] buffer)
    {
        var descriptor = Open(PathOf(key), ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"open of blob {key} failed.");
        }

        try
        {
            return (int)PositionalRead(descriptor, buffer, MaxBlobBytes, 0);
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>Opens and closes the blob's file as <see cref="ReadPooled"/> does, without reading it.</summary>
    public void OpenAndClose(int key)
    {
        using var handle = File.OpenHandle(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>The same through the system calls directly.</summary>
    public void OpenAndCloseWithSystemCalls(int key)
    {
        var descriptor = Open(PathOf(key), ReadOnlyCloseOnExec);
        if (descriptor >= 0)
        {
            _ = Close(descriptor);
        }
    }

    public static SafeFileHandle OpenForRead(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    // Plain DllImports, as for posix_fadvise: the generated LibraryImport would need unsafe code for the whole project.
    [DllImport("libc", EntryPoint = "open")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "pread")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint PositionalRead(int descriptor, byte[] buffer, nint count, long offset);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
