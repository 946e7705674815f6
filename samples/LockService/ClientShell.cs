using System.Text;
using Chubby;

namespace LockService;

/// <summary>
/// The command line client: <c>ls</c>, <c>cat</c>, <c>put</c>, <c>mkdir</c>, <c>lock</c>, <c>unlock</c> and <c>watch</c>, one from the
/// arguments or many from a shell reading standard input (the session, and the locks it holds, last as long as the shell).
/// </summary>
public sealed class ClientShell
{
    private const string Usage = """
        commands (a path without a leading / is taken under /ls/local/):
          ls PATH                          list a directory
          cat PATH                         print a file
          put PATH TEXT...                 create the file if needed and write TEXT
          mkdir PATH                       create a directory
          lock PATH [--shared] [--for D]   acquire the lock and print its sequencer; held for D (or until Ctrl+C) when given,
                                           and in a one-off command; in the shell until unlock
          unlock PATH                      release a lock this session holds
          watch PATH [--for D]             print events of the node (a directory: its children) for D or until Ctrl+C
        durations: 500ms, 30s, 2m
        """;

    private readonly ChubbyClient _client;
    private readonly TextWriter _output;
    private readonly Dictionary<string, ChubbyHandle> _held = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CancellationTokenSource? _current;

    /// <summary>Creates a shell over a connected client.</summary>
    public ClientShell(ChubbyClient client, TextWriter output)
    {
        _client = client;
        _output = output;
    }

    /// <summary>Cancels the running command (a held lock or a watch); false when none runs, so Ctrl+C may end the process.</summary>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return false;
            }

            _current.Cancel();
            return true;
        }
    }

    /// <summary>Runs commands from <paramref name="input"/> until it ends or says <c>exit</c>; returns 0, or 1 if a command failed.</summary>
    public async Task<int> RunShellAsync(TextReader input, bool prompt)
    {
        ArgumentNullException.ThrowIfNull(input);
        var failed = false;
        if (prompt)
        {
            _output.WriteLine($"session {_client.SessionId} as '{_client.Principal}'; 'help' lists the commands, Ctrl+D ends");
        }

        while (true)
        {
            if (prompt)
            {
                _output.Write("chubby> ");
            }

            var line = await input.ReadLineAsync();
            if (line is null || line.Trim() is "exit" or "quit")
            {
                return failed ? 1 : 0;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length > 0)
            {
                failed |= await RunCommandAsync(words, oneOff: false) != 0;
            }
        }
    }

    /// <summary>Runs one command; returns 0 on success, 1 when the cell refused it, 2 for a usage error.</summary>
    /// <param name="words">The command and its arguments.</param>
    /// <param name="oneOff">Whether the process ends after it (a lock is then held for its duration and released).</param>
    public async Task<int> RunCommandAsync(IReadOnlyList<string> words, bool oneOff)
    {
        ArgumentNullException.ThrowIfNull(words);
        using var stop = new CancellationTokenSource();
        lock (_gate)
        {
            _current = stop;
        }

        try
        {
            switch (words[0])
            {
                case "ls" when words.Count == 2:
                    await ListAsync(PathOf(words[1]));
                    return 0;
                case "cat" when words.Count == 2:
                    await using (var file = await _client.OpenAsync(PathOf(words[1])))
                    {
                        _output.WriteLine(Encoding.UTF8.GetString((await file.GetContentsAndStatAsync()).Contents.Span));
                    }

                    return 0;
                case "put" when words.Count >= 3:
                    await using (var file = await _client.OpenAsync(PathOf(words[1]), OpenFlags.Create))
                    {
                        var stat = await file.SetContentsAsync(Encoding.UTF8.GetBytes(string.Join(' ', words.Skip(2))));
                        _output.WriteLine($"{file.Path}: content generation {stat.ContentGeneration}, {stat.Length} bytes");
                    }

                    return 0;
                case "mkdir" when words.Count == 2:
                    await (await _client.OpenAsync(PathOf(words[1]), OpenFlags.Create | OpenFlags.Directory)).DisposeAsync();
                    return 0;
                case "lock" when words.Count >= 2:
                    return await LockAsync(PathOf(words[1]), words.Skip(2).ToList(), oneOff, stop.Token);
                case "unlock" when words.Count == 2:
                    await UnlockAsync(PathOf(words[1]), oneOff);
                    return 0;
                case "watch" when words.Count is 2 or 4:
                    await WatchAsync(PathOf(words[1]), words.Count == 4 && words[2] == "--for" ? CommandLine.ParseDuration(words[3]) : null, stop.Token);
                    return 0;
                case "help":
                    _output.Write(Usage);
                    return 0;
                default:
                    _output.WriteLine($"cannot run '{string.Join(' ', words)}'.");
                    _output.Write(Usage);
                    return 2;
            }
        }
        catch (ChubbyException exception)
        {
            _output.WriteLine($"error {exception.Code}: {exception.Message}");
            return 1;
        }
        catch (FormatException exception)
        {
            _output.WriteLine(exception.Message);
            return 2;
        }
        finally
        {
            lock (_gate)
            {
                _current = null;
            }
        }
    }

    private static string PathOf(string text) => text.StartsWith('/') ? text : $"{ChubbyPath.CellRoot(Wiring.CellName)}/{text}";

    private async Task ListAsync(string path)
    {
        await using var node = await _client.OpenAsync(path);
        if (!node.OpenedStat.IsDirectory)
        {
            var stat = await node.GetStatAsync();
            _output.WriteLine($"{path}  {stat.Length} bytes, content generation {stat.ContentGeneration}, lock generation {stat.LockGeneration}, {stat.Acl}");
            return;
        }

        foreach (var child in await node.ReadDirAsync())
        {
            _output.WriteLine(child);
        }
    }

    private async Task<int> LockAsync(string path, List<string> options, bool oneOff, CancellationToken stop)
    {
        var mode = options.Remove("--shared") ? LockMode.Shared : LockMode.Exclusive;
        TimeSpan? hold = null;
        if (options.IndexOf("--for") is var at and >= 0 && at + 1 < options.Count)
        {
            hold = CommandLine.ParseDuration(options[at + 1]);
            options.RemoveRange(at, 2);
        }

        if (options.Count > 0)
        {
            throw new FormatException($"lock does not know {string.Join(' ', options)}.");
        }

        var handle = await _client.OpenAsync(path, OpenFlags.Create);
        _output.WriteLine($"waiting for the {mode.ToString().ToLowerInvariant()} lock of {path} ...");
        var sequencer = await handle.AcquireAsync(mode, cancellationToken: stop);
        _output.WriteLine($"locked; sequencer {sequencer}");
        if (hold is null && !oneOff)
        {
            _held[path] = handle;
            return 0;
        }

        // Held until the duration passes or Ctrl+C; then released, so the next holder needs no lock-delay.
        try
        {
            await Task.Delay(hold ?? Timeout.InfiniteTimeSpan, stop);
        }
        catch (OperationCanceledException)
        {
        }

        await handle.ReleaseAsync(CancellationToken.None);
        await handle.DisposeAsync();
        _output.WriteLine($"released {path}");
        return 0;
    }

    private async Task UnlockAsync(string path, bool oneOff)
    {
        if (_held.Remove(path, out var handle))
        {
            await handle.ReleaseAsync();
            await handle.DisposeAsync();
            _output.WriteLine($"released {path}");
            return;
        }

        if (oneOff)
        {
            _output.WriteLine("unlock releases a lock held by this session, and a one-off command starts a new session that holds none; use 'lock --for' or the shell.");
        }

        // Ask the cell anyway, so the answer (LockNotHeld) comes from the master.
        await using var other = await _client.OpenAsync(path);
        await other.ReleaseAsync();
    }

    private async Task WatchAsync(string path, TimeSpan? duration, CancellationToken stop)
    {
        void Print(object? sender, ChubbyEventArgs e)
        {
            if (e.Path is null || e.Path == path || ChubbyPath.Parent(e.Path) == path)
            {
                _output.WriteLine($"{TimeProvider.System.GetLocalNow():HH:mm:ss.fff} {e.Kind} {e.Path}");
            }
        }

        await using var handle = await _client.OpenAsync(path, events: EventMask.All);
        _client.EventRaised += Print;
        try
        {
            _output.WriteLine($"watching {path}{(duration is { } d ? $" for {d.TotalSeconds:0.#} s" : "")}; Ctrl+C stops");
            await Task.Delay(duration ?? Timeout.InfiniteTimeSpan, stop);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _client.EventRaised -= Print;
        }
    }
}
