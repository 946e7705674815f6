using System.Diagnostics;
using System.Globalization;

namespace Benchmarks.Etcd;

/// <summary>
/// One server (an etcd member or one of our replicas) in a process of its own, started through <c>sh</c> so that it is stopped
/// when this process goes away however it ends: the shell holds the server's pid and waits for its standard input to close,
/// which the kernel does when this process exits, even on SIGKILL. The server's output goes to a log file.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    // $1 = log file, the rest = the command. Prints the server's pid, then waits for EOF on stdin (with builtins only) (or a signal: Ctrl+C reaches
    // the whole process group, but a non-interactive shell's background job ignores SIGINT) and stops the server.
    private const string Wrapper = "log=$1; shift; \"$@\" >>\"$log\" 2>&1 </dev/null & pid=$!; exec 2>/dev/null; " +
        "trap 'kill \"$pid\" 2>/dev/null; exit 1' INT TERM HUP; echo \"$pid\"; while read -r _; do :; done; kill \"$pid\" 2>/dev/null; wait \"$pid\"";

    private static readonly HashSet<ServerProcess> Live = [];

    private readonly Process _shell;
    private int _disposed;

    private ServerProcess(string name, Process shell, int pid, string logFile)
    {
        Name = name;
        _shell = shell;
        Pid = pid;
        LogFile = logFile;
    }

    /// <summary>A short name for progress lines, e.g. <c>etcd-1</c>.</summary>
    public string Name { get; }

    /// <summary>The server's own pid (not the shell's).</summary>
    public int Pid { get; }

    /// <summary>Where the server's standard output and error go.</summary>
    public string LogFile { get; }

    /// <summary>Whether the server is still running.</summary>
    public bool IsRunning => File.Exists($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/stat") && !_shell.HasExited;

    /// <summary>Starts <paramref name="command"/> with <paramref name="arguments"/>, its output going to <paramref name="logFile"/>.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string command, IEnumerable<string> arguments, string logFile)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Wrapper);
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(logFile);
        start.ArgumentList.Add(command);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // etcd reads ETCD_* variables as flags; only the command line configures the servers here.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        var shell = Process.Start(start) ?? throw new InvalidOperationException($"Could not start /bin/sh for {name}.");
        var line = await shell.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            shell.Kill(entireProcessTree: true);
            shell.Dispose();
            throw new InvalidOperationException($"{name} did not start: the wrapper printed '{line}'.");
        }

        var server = new ServerProcess(name, shell, pid, logFile);
        lock (Live)
        {
            Live.Add(server);
        }

        return server;
    }

    /// <summary>Stops every server still running (for Ctrl+C and process exit, where no finally block runs).</summary>
    public static void StopAll()
    {
        List<ServerProcess> live;
        lock (Live)
        {
            live = [.. Live];
        }

        live.ForEach(s => s.Dispose());
    }

    /// <summary>The server's CPU time so far (user + system), from <c>/proc/PID/stat</c>.</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // The command name (field 2) is in parentheses and may hold spaces; count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>The server's resident memory in MiB, from <c>/proc/PID/status</c>.</summary>
    public double ResidentMegabytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Stops the server (SIGKILL) and the shell.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (Live)
        {
            Live.Remove(this);
        }

        try
        {
            // Not our child but the shell's: the shell reaps it once its input closes (below), so no wait here.
            using var server = Process.GetProcessById(Pid);
            server.Kill();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        try
        {
            _shell.StandardInput.Close();
            if (!_shell.WaitForExit(5000))
            {
                _shell.Kill(entireProcessTree: true);
            }
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            // The shell went with the server.
        }

        _shell.Dispose();
    }

    // USER_HZ: 100 on every Linux ABI .NET runs on.
    private const int ClockTicksPerSecond = 100;
}
