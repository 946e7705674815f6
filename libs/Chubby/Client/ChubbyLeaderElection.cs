namespace Chubby;

/// <summary>
/// Primary election on a Chubby lock (Chubby §2.1, as GFS and BigTable masters use it): candidates open the same file and block
/// on its exclusive lock; the winner writes its identity into the file, so others can find it, and hands its
/// <see cref="Sequencer"/> to the servers it talks to, which reject a deposed leader (<see cref="SequencerValidator"/>).
/// </summary>
/// <remarks>
/// Leadership ends when the session expires, the lock file is deleted, or <see cref="ResignAsync"/> is called;
/// <see cref="LeadershipLost"/> is cancelled then. A leader should also stop acting while its session is in jeopardy
/// (<see cref="IsLeader"/> turns false).
/// </remarks>
public sealed class ChubbyLeaderElection : IAsyncDisposable
{
    private readonly ChubbyClient _client;
    private readonly ChubbyHandle _handle;
    private readonly CancellationTokenSource _lost = new();

    private ChubbyLeaderElection(ChubbyClient client, ChubbyHandle handle, Sequencer sequencer)
    {
        _client = client;
        _handle = handle;
        Sequencer = sequencer;
        _client.EventRaised += OnEvent;
        if (client.State == ChubbySessionState.Expired)
        {
            _lost.Cancel();
        }
    }

    /// <summary>The lock file's path.</summary>
    public string Path => _handle.Path;

    /// <summary>The sequencer of the leadership; pass it with every request to the servers the leader directs.</summary>
    public Sequencer Sequencer { get; }

    /// <summary>Whether this process leads and its session is safe.</summary>
    public bool IsLeader => !_lost.IsCancellationRequested && _client.State == ChubbySessionState.Safe;

    /// <summary>Cancelled when leadership is lost for good (session expired, lock file deleted, resigned).</summary>
    public CancellationToken LeadershipLost => _lost.Token;

    /// <summary>
    /// Campaigns for leadership at <paramref name="path"/> (created if absent) and returns once this session leads; the file then
    /// holds <paramref name="identity"/>.
    /// </summary>
    public static async Task<ChubbyLeaderElection> CampaignAsync(ChubbyClient client, string path, ReadOnlyMemory<byte> identity, TimeSpan? lockDelay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var handle = await client.OpenAsync(path, OpenFlags.Create, EventMask.None, default, null, cancellationToken);
        try
        {
            var sequencer = await handle.AcquireAsync(LockMode.Exclusive, lockDelay, cancellationToken);
            await handle.SetContentsAsync(identity, null, cancellationToken);
            return new ChubbyLeaderElection(client, handle, sequencer);
        }
        catch
        {
            await handle.DisposeAsync();
            throw;
        }
    }

    /// <summary>The identity the current leader wrote at <paramref name="path"/>, or null when there is none yet.</summary>
    public static async Task<ReadOnlyMemory<byte>?> GetLeaderAsync(ChubbyClient client, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await using var handle = await client.OpenAsync(path, OpenFlags.None, EventMask.None, default, null, cancellationToken);
            var contents = await handle.GetContentsAndStatAsync(cancellationToken);
            return contents.Contents.Length == 0 ? null : contents.Contents;
        }
        catch (ChubbyException exception) when (exception.Code is ChubbyErrorCode.NotFound or ChubbyErrorCode.HandleInvalid)
        {
            return null;
        }
    }

    /// <summary>Gives up leadership: clears the identity and releases the lock (no lock-delay).</summary>
    public async Task ResignAsync(CancellationToken cancellationToken = default)
    {
        if (_lost.IsCancellationRequested)
        {
            return;
        }

        await _lost.CancelAsync();
        await _handle.SetContentsAsync(ReadOnlyMemory<byte>.Empty, null, cancellationToken);
        await _handle.ReleaseAsync(cancellationToken);
    }

    /// <summary>Stops following the session; does not resign (the lock is released when the session ends).</summary>
    public async ValueTask DisposeAsync()
    {
        _client.EventRaised -= OnEvent;
        await _handle.DisposeAsync();
        _lost.Dispose();
    }

    private void OnEvent(object? sender, ChubbyEventArgs e)
    {
        if (e.Kind == ChubbyEventKind.Expired || (e.Kind == ChubbyEventKind.HandleInvalid && e.Path == Path))
        {
            _lost.Cancel();
        }
    }
}
