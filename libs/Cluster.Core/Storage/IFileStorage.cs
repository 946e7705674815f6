namespace Cluster.Core;

/// <summary>
/// A folder of durable files owned by one node: the only way server logic touches a disk. Production
/// uses <c>DiskFileStorage</c>; the simulator supplies a disk that loses unsynced data on a crash.
/// </summary>
/// <remarks>
/// <para><b>What survives a crash</b> (the contract every implementation keeps and every caller relies on):</para>
/// <list type="bullet">
/// <item>Bytes written to a file survive only after <see cref="IStorageFile.FlushAsync"/> on that file has
/// completed. Unflushed writes may be lost entirely, lost from any point on, or — for the last write
/// before the crash — torn (a prefix of it survives, possibly with garbage after). Readers of durable
/// formats must therefore checksum records and treat a bad tail as not written.</item>
/// <item>A file's existence, a rename and a delete survive only after <see cref="SyncDirectoryAsync"/>
/// has completed. Until then a crash may undo them (a new file vanishes, a rename reverts, a deleted
/// file comes back).</item>
/// <item>A rename onto an existing name is atomic: after a crash the target holds either the old or the
/// new file, never a mixture.</item>
/// <item>Flushed data is never silently changed; a medium that corrupts it is detected by the checksums of
/// the format stored on it, not hidden by the storage.</item>
/// </list>
/// <para>Names are relative paths with <c>/</c> as separator, made of letters, digits, <c>.</c>, <c>-</c> and
/// <c>_</c>; folders are created as needed. Methods are thread-safe; a single file is not meant to be written
/// from several threads at once.</para>
/// </remarks>
public interface IFileStorage
{
    /// <summary>A description of where the files live (a folder path, or a simulated node's disk), for error messages.</summary>
    string Location { get; }

    /// <summary>Opens a file, creating it first when <paramref name="mode"/> allows.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist and <paramref name="mode"/> is <see cref="StorageOpenMode.OpenExisting"/>.</exception>
    /// <exception cref="IOException">The file exists and <paramref name="mode"/> is <see cref="StorageOpenMode.CreateNew"/>.</exception>
    /// <exception cref="ArgumentException">The name is not a valid storage name.</exception>
    ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a file as <see cref="OpenAsync(string, StorageOpenMode, CancellationToken)"/> does, with a hint of how it
    /// will be read. A storage without use for the hint ignores it, as this default implementation does.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist and <paramref name="mode"/> is <see cref="StorageOpenMode.OpenExisting"/>.</exception>
    /// <exception cref="IOException">The file exists and <paramref name="mode"/> is <see cref="StorageOpenMode.CreateNew"/>.</exception>
    /// <exception cref="ArgumentException">The name is not a valid storage name.</exception>
    ValueTask<IStorageFile> OpenAsync(string name, StorageOpenMode mode, StorageAccessPattern access, CancellationToken cancellationToken = default) =>
        OpenAsync(name, mode, cancellationToken);

    /// <summary>Whether a file of that name exists now (durably or not).</summary>
    bool Exists(string name);

    /// <summary>The names of the files whose names start with <paramref name="prefix"/>, in ordinal order.</summary>
    IReadOnlyList<string> List(string prefix = "");

    /// <summary>Deletes a file; deleting a missing file does nothing. Durable after <see cref="SyncDirectoryAsync"/>.</summary>
    ValueTask DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Renames a file, atomically replacing any file at <paramref name="destinationName"/>. Durable after <see cref="SyncDirectoryAsync"/>.</summary>
    /// <exception cref="FileNotFoundException">The source does not exist.</exception>
    ValueTask RenameAsync(string sourceName, string destinationName, CancellationToken cancellationToken = default);

    /// <summary>Makes every create, rename and delete done so far durable (fsync of the folders involved).</summary>
    ValueTask SyncDirectoryAsync(CancellationToken cancellationToken = default);
}
