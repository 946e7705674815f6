using System.Runtime.InteropServices;

namespace Cluster.Core;

/// <summary>
/// fsync of a folder on Unix: .NET cannot open a folder as a file, so this goes to libc directly
/// (<c>open(O_RDONLY | O_DIRECTORY)</c>, <c>fsync</c>, <c>close</c>).
/// </summary>
internal static partial class UnixFolderSync
{
    private const string LibC = "libc";
    private const int ReadOnly = 0;

    /// <summary>Makes the entries of <paramref name="folder"/> (names created, renamed, deleted) durable.</summary>
    /// <exception cref="IOException">open or fsync failed; the message carries the errno.</exception>
    public static void Sync(string folder)
    {
        var descriptor = Open(folder, ReadOnly | DirectoryFlags());
        if (descriptor < 0)
        {
            throw Failure("open", folder);
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw Failure("fsync", folder);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static int DirectoryFlags()
    {
        // O_DIRECTORY and O_CLOEXEC differ between architectures and systems; elsewhere a plain read-only
        // open of a folder works too, the flags only add a check and keep the descriptor out of children.
        if (OperatingSystem.IsLinux())
        {
            var directory = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;
            return directory | 0x80000;
        }

        return OperatingSystem.IsMacOS() ? 0x100000 | 0x1000000 : 0;
    }

    private static IOException Failure(string call, string folder)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of folder '{folder}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
