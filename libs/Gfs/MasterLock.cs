using System.Globalization;
using System.Text;
using Chubby;
using Cluster.Core;

namespace Gfs;

/// <summary>
/// The Chubby lock file of a GFS cell (Chubby §1 and §2.1: GFS elects its master with a Chubby lock, and the master writes its
/// address into the lock file so others can find it). A master node passes one to <see cref="MasterServer.StartAsync"/>: the
/// Raft leader of the master group then acts as master only while it also holds this lock, and carries the epoch of that
/// leadership on every command to a chunkserver. Clients and chunkservers pass one to find the master by reading the file
/// instead of probing the master group's nodes.
/// </summary>
/// <remarks>
/// <para>Each process holds its own Chubby session through <see cref="MasterLock"/>: it is opened on first use with the connect
/// function given here, and opened again (a new session) when the old one has expired.</para>
/// <para>The file holds the master's node id in decimal (UTF-8), or nothing while no master holds the lock.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class MasterLock : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<ChubbyClient>> _connect;
    private readonly Lock _gate = new();
    private Task<ChubbyClient>? _session;
    private Task<ChubbyHandle>? _reader;
    private int _disposed;

    /// <summary>Creates the binding to a lock file; nothing is contacted until it is used.</summary>
    /// <param name="path">The lock file, for example <see cref="PathFor"/>; its parent directories are created by the first master.</param>
    /// <param name="connect">Opens a Chubby session (for example <see cref="ChubbyClient.ConnectAsync"/> on this process's bus).</param>
    /// <param name="lockDelay">
    /// How long the lock stays unavailable after a master's session expires while it holds it (Chubby §2.4): commands that master
    /// sent before it vanished have that long to arrive before another master may act. The cell's default when null.
    /// </param>
    public MasterLock(string path, Func<CancellationToken, Task<ChubbyClient>> connect, TimeSpan? lockDelay = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(connect);
        if (!path.StartsWith(ChubbyPath.Prefix, StringComparison.Ordinal) || path.EndsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not a Chubby file path (/ls/<cell>/...).", nameof(path));
        }

        if (lockDelay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lockDelay), delay, "lockDelay must not be negative.");
        }

        Path = path;
        _connect = connect;
        LockDelay = lockDelay;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock-delay a master asks for when it takes the lock (null: the cell's default).</summary>
    public TimeSpan? LockDelay { get; }

    /// <summary>The conventional lock file of GFS cell <paramref name="gfsCell"/> in Chubby cell <paramref name="chubbyCell"/>: <c>/ls/&lt;chubbyCell&gt;/gfs/&lt;gfsCell&gt;/master</c>.</summary>
    public static string PathFor(string chubbyCell, string gfsCell)
    {
        ArgumentException.ThrowIfNullOrEmpty(chubbyCell);
        ArgumentException.ThrowIfNullOrEmpty(gfsCell);
        return $"{ChubbyPath.CellRoot(chubbyCell)}/gfs/{gfsCell}/master";
    }

    /// <summary>
    /// The master the lock file names, read through the Chubby session's cache (the cell invalidates it before the file
    /// changes, so this is never older than the file); <see cref="NodeId.None"/> when no master has written it yet.
    /// </summary>
    /// <exception cref="TimeoutException">No Chubby session could be opened.</exception>
    public async Task<NodeId> FindMasterAsync(CancellationToken cancellationToken = default)
    {
        Task<ChubbyHandle>? reader = null;
        try
        {
            reader = Reader();

            // Opening is shared by every caller and not abandoned; a caller that stops waiting only stops waiting.
            var handle = await reader.WaitAsync(cancellationToken);
            var contents = await handle.GetContentsAndStatAsync(cancellationToken);
            return Decode(contents.Contents.Span);
        }
        catch (ChubbyException)
        {
            // No master has created the file yet, it was replaced, the session expired (a new one is opened next time), or the
            // cell refused the read: open the file afresh next time.
            Forget(reader);
            return NodeId.None;
        }
    }

    /// <summary>Stops the Chubby session's KeepAlives (without closing it, so its locks are released only when it expires).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task<ChubbyClient>? session;
        lock (_gate)
        {
            session = _session;
            _session = null;
            _reader = null;
        }

        if (session is { IsCompletedSuccessfully: true })
        {
            await session.Result.DisposeAsync();
        }
    }

    /// <summary>The UTF-8 text a master writes into the lock file.</summary>
    internal static byte[] Encode(NodeId master) => Encoding.UTF8.GetBytes(master.Value.ToString(CultureInfo.InvariantCulture));

    /// <summary>The master a lock file names, or <see cref="NodeId.None"/> for an empty or unreadable file.</summary>
    internal static NodeId Decode(ReadOnlySpan<byte> contents) =>
        ulong.TryParse(Encoding.UTF8.GetString(contents).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new NodeId(id) : NodeId.None;

    /// <summary>This process's Chubby session: the current one while it has not expired, otherwise a new one.</summary>
    /// <exception cref="ObjectDisposedException">The binding was disposed.</exception>
    internal Task<ChubbyClient> SessionAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Task<ChubbyClient>? expired = null;
        Task<ChubbyClient> session;
        lock (_gate)
        {
            if (_session is null || _session.IsFaulted || _session.IsCanceled || (_session.IsCompletedSuccessfully && _session.Result.State == ChubbySessionState.Expired))
            {
                expired = _session;

                // Shared by every caller, so no single caller's cancellation may end it; the connect has its own timeout.
                _session = _connect(CancellationToken.None);
                _reader = null;
            }

            session = _session;
        }

        if (expired is { IsCompletedSuccessfully: true })
        {
            _ = expired.Result.DisposeAsync().AsTask();
        }

        return session;
    }

    private Task<ChubbyHandle> Reader()
    {
        var session = SessionAsync();
        lock (_gate)
        {
            if (_reader is null || _reader.IsFaulted || _reader.IsCanceled)
            {
                _reader = OpenReaderAsync(session);
            }

            return _reader;
        }
    }

    private async Task<ChubbyHandle> OpenReaderAsync(Task<ChubbyClient> session)
    {
        var client = await session;
        return await client.OpenAsync(Path, OpenFlags.None, EventMask.None, default, null, CancellationToken.None);
    }

    private void Forget(Task<ChubbyHandle>? reader)
    {
        lock (_gate)
        {
            if (reader is not null && ReferenceEquals(_reader, reader))
            {
                _reader = null;
            }
        }
    }
}
