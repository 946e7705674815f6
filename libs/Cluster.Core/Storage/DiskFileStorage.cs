namespace Cluster.Core;

/// <summary>
/// The production <see cref="IFileStorage"/>: files under one root folder of the local file system, with
/// positional I/O on <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/>s and real fsyncs.
/// </summary>
/// <remarks>
/// <para>Durability as <see cref="IFileStorage"/> requires: <see cref="IStorageFile.FlushAsync"/> is
/// <c>fsync</c> of the file (<see cref="RandomAccess.FlushToDisk"/>); <see cref="SyncDirectoryAsync"/> opens
/// and fsyncs every folder whose entries changed since the last call (a created file or folder, a rename's
/// source and target folders, a delete), since on Linux a new name is durable only once its folder is.
/// On Windows folders cannot be opened for a flush and NTFS journals its metadata, so that is a no-op. On
/// macOS <c>fsync</c> does not empty the drive's cache (that needs <c>F_FULLFSYNC</c>); this class targets Linux.</para>
/// <para>Renames use <c>rename(2)</c> (<see cref="File.Move(string, string, bool)"/> with overwrite), which
/// replaces the target atomically. A full disk (<c>ENOSPC</c>, <c>EDQUOT</c>; <c>ERROR_DISK_FULL</c> on Windows)
/// surfaces as <see cref="StorageFullException"/>.</para>
/// <para>All operations run synchronously on the caller's thread and return completed tasks: positional I/O to
/// the page cache is cheaper than a thread-pool hop, and an fsync is expected to block the one host loop that
/// batches it. Thread-safe.</para>
/// </remarks>
public sealed class DiskFileStorage : IFileStorage
{
    private readonly object _gate = new();
    private readonly HashSet<string> _unsyncedFolders = new(StringComparer.Ordinal);
    private long _fileFlushes;
    private long _folderSyncs;

    /// <summary>Creates the storage over <paramref name="rootPath"/>, creating the folder if it is missing.</summary>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public DiskFileStorage(string rootPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        RootPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
        EnsureFolder(RootPath);
    }

    /// <summary>The absolute path of the root folder.</summary>
    public string RootPath { get; }

    /// <inheritdoc />
    public string Location => RootPath;

    /// <summary>How many file fsyncs completed; lets tests see that <see cref="IStorageFile.FlushAsync"/> reached the disk.</summary>
    internal long FileFlushCount => Interlocked.Read(ref _fileFlushes);

    /// <summary>How many folder fsyncs completed (always zero on Windows).</summary>
    internal long FolderSyncCount => Interlocked.Read(ref _folderSyncs);

    /// <summary>How many folders have changed entries not yet made durable.</summary>
    internal int UnsyncedFolderCount
    {
        get
        {
            lock (_gate)
            {
                return _unsyncedFolders.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default) =>
        OpenAsync(name, mode, StorageAccessPattern.Unspecified, cancellationToken);

    /// <inheritdoc />
    /// <remarks>On Linux the hint becomes <c>posix_fadvise</c> on the open file (random: no read-ahead).</remarks>
    public ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, StorageAccessPattern access, CancellationToken cancellationToken = default)
    {
        var path = FullPath(name);
        cancellationToken.ThrowIfCancellationRequested();
        var fileMode = mode switch
        {
            StorageOpenMode.OpenOrCreate => FileMode.OpenOrCreate,
            StorageOpenMode.OpenExisting => FileMode.Open,
            StorageOpenMode.CreateNew => FileMode.CreateNew,
            StorageOpenMode.Truncate => FileMode.Create,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown open mode."),
        };

        var options = access switch
        {
            StorageAccessPattern.Unspecified => FileOptions.None,
            StorageAccessPattern.Random => FileOptions.RandomAccess,
            StorageAccessPattern.Sequential => FileOptions.SequentialScan,
            _ => throw new ArgumentOutOfRangeException(nameof(access), access, "Unknown access pattern."),
        };

        var creates = mode != StorageOpenMode.OpenExisting && !File.Exists(path);
        if (mode != StorageOpenMode.OpenExisting)
        {
            EnsureFolder(Path.GetDirectoryName(path)!);
        }

        try
        {
            // FileShare.Delete lets a file be renamed or deleted while open, as it can be on Unix.
            var handle = File.OpenHandle(path, fileMode, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, options);
            if (creates)
            {
                MarkUnsynced(Path.GetDirectoryName(path)!);
            }

            return ValueTask.FromResult<IStorageFile>(new DiskStorageFile(this, name, handle));
        }
        catch (DirectoryNotFoundException e)
        {
            throw new FileNotFoundException($"Storage file '{name}' does not exist in {RootPath}.", name, e);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new StorageFullException(RootPath, name, e);
        }
    }

    /// <inheritdoc />
    public bool Exists(string name) => File.Exists(FullPath(name));

    /// <inheritdoc />
    public IReadOnlyList<string> List(string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(prefix);

        // Start in the deepest folder the prefix names, so listing "log/" does not walk the whole tree.
        var slash = prefix.LastIndexOf('/');
        if (slash >= 0 && !IsValidName(prefix[..slash]))
        {
            // No valid name starts with this prefix ("../", "/x", "a//"); never walk outside the root to find that out.
            return [];
        }

        var start = slash < 0 ? RootPath : Path.Combine(RootPath, prefix[..slash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var path in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(RootPath, path).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal) && IsValidName(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = FullPath(name);
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(path))
        {
            File.Delete(path);
            MarkUnsynced(Path.GetDirectoryName(path)!);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default)
    {
        var source = FullPath(sourceName);
        var destination = FullPath(destinationName);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"Cannot rename '{sourceName}': it does not exist in {RootPath}.", sourceName);
        }

        var destinationFolder = Path.GetDirectoryName(destination)!;
        EnsureFolder(destinationFolder);
        try
        {
            // rename(2): the destination names either the old or the new file at every instant, crash included.
            File.Move(source, destination, overwrite: true);
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new StorageFullException(RootPath, destinationName, e);
        }

        MarkUnsynced(Path.GetDirectoryName(source)!);
        MarkUnsynced(destinationFolder);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default)
    {
        string[] folders;
        lock (_gate)
        {
            folders = [.. _unsyncedFolders.Order(StringComparer.Ordinal)];
            _unsyncedFolders.Clear();
        }

        if (OperatingSystem.IsWindows())
        {
            return ValueTask.CompletedTask;
        }

        for (var i = 0; i < folders.Length; i++)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                UnixFolderSync.Sync(folders[i]);
                Interlocked.Increment(ref _folderSyncs);
            }
            catch
            {
                // Not synced means still pending: the next call must try these folders again.
                lock (_gate)
                {
                    _unsyncedFolders.UnionWith(folders[i..]);
                }

                throw;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Whether <paramref name="exception"/> says the medium (or the user's quota) has no room.</summary>
    internal static bool IsDiskFull(IOException exception)
    {
        var code = exception.HResult;
        if (OperatingSystem.IsWindows())
        {
            // ERROR_DISK_FULL (112) and ERROR_HANDLE_DISK_FULL (39), bare or as HRESULT_FROM_WIN32.
            return code is 112 or 39 or unchecked((int)0x80070070) or unchecked((int)0x80070027);
        }

        // On Unix .NET puts the raw errno in HResult: ENOSPC is 28 everywhere, EDQUOT 122 on Linux and 69 on macOS.
        return code == 28 || (OperatingSystem.IsLinux() ? code == 122 : code == 69);
    }

    internal void CountFileFlush() => Interlocked.Increment(ref _fileFlushes);

    private static bool IsValidName(string name)
    {
        try
        {
            StorageNames.Validate(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string FullPath(string name)
    {
        StorageNames.Validate(name);
        return Path.Combine(RootPath, name.Replace('/', Path.DirectorySeparatorChar));
    }

    private void EnsureFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        // Each folder created is a new entry in its parent, which must be synced for the folder to survive a crash.
        var parent = Path.GetDirectoryName(folder);
        if (parent is not null)
        {
            EnsureFolder(parent);
        }

        Directory.CreateDirectory(folder);
        if (parent is not null)
        {
            MarkUnsynced(parent);
        }
    }

    private void MarkUnsynced(string folder)
    {
        lock (_gate)
        {
            _unsyncedFolders.Add(folder);
        }
    }
}
