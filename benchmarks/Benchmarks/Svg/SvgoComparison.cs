using System.Diagnostics;
using System.Text.Json;
using MicroSvg;

namespace Benchmarks.Svg;

/// <summary>
/// <c>compare svgo</c>: runs SVGO (pinned, default preset, installed with npm by this benchmark) and
/// MicroSvg over the same real-world corpus and prints one JSON line: throughput in MB/s of a whole
/// CLI run over a folder, start-up included, for both tools (the SvgMinify sample, published Native
/// AOT by this benchmark where a C toolchain is present and ReadyToRun otherwise, and SVGO's CLI under
/// node), output sizes and how many files each changed when rendered.
/// </summary>
/// <remarks>
/// Both sides are measured the same way: a fresh process per run over the same folder, best of
/// several alternating runs, so process start-up, module loading and (for us) JIT count for both.
/// <c>details</c> also reports each engine warm in its own process (the best of three passes over the
/// corpus in memory after untimed ones for at least two seconds, so that both JIT compilers have
/// settled), to show how much of each CLI run is start-up.
/// </remarks>
public static class SvgoComparison
{
    private const string SvgoVersion = "4.1.0";

    private static readonly (string Name, string Package, string Folder)[] Sources =
    [
        ("mdi", "@mdi/svg@7.4.47", "node_modules/@mdi/svg/svg"),
        ("simple-icons", "simple-icons@16.37.0", "node_modules/simple-icons/icons"),
        ("flag-icons", "flag-icons@7.5.0", "node_modules/flag-icons/flags/4x3"),
        ("twemoji", "@twemoji/svg@15.0.0", "node_modules/@twemoji/svg"),
        ("tabler", "@tabler/icons@3.52.0", "node_modules/@tabler/icons/icons/outline"),
        ("bootstrap-icons", "bootstrap-icons@1.13.2", "node_modules/bootstrap-icons/icons"),
    ];

    /// <summary>Runs the comparison; returns the process exit code.</summary>
    /// <param name="args">Arguments after <c>compare svgo</c>; <c>--quick</c> uses a small sample.</param>
    /// <returns>0 on success, 1 when the peer could not be installed or run.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = args.Contains("--quick");
        var perSource = quick ? 40 : 400;
        var cache = Environment.GetEnvironmentVariable("MICROSVG_BENCH_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "microsvg-bench");
        Directory.CreateDirectory(cache);
        if (!File.Exists(Path.Combine(cache, ".complete")))
        {
            await File.WriteAllTextAsync(Path.Combine(cache, "package.json"), "{\"name\":\"microsvg-bench\",\"version\":\"1.0.0\",\"private\":true}").ConfigureAwait(false);
            var packages = string.Join(' ', Sources.Select(s => s.Package).Append("svgo@" + SvgoVersion));
            var (code, output) = await RunProcessAsync("npm", $"install --no-audit --no-fund --ignore-scripts --loglevel=error {packages}", cache).ConfigureAwait(false);
            if (code != 0)
            {
                await Console.Error.WriteLineAsync($"npm install failed ({code}): {output}").ConfigureAwait(false);
                return 1;
            }

            await File.WriteAllTextAsync(Path.Combine(cache, ".complete"), string.Empty).ConfigureAwait(false);
        }

        var input = Path.Combine(cache, "run", "in");
        var oursOut = Path.Combine(cache, "run", "ours");
        var svgoOut = Path.Combine(cache, "run", "svgo");
        if (Directory.Exists(Path.Combine(cache, "run")))
        {
            Directory.Delete(Path.Combine(cache, "run"), recursive: true);
        }

        var files = new List<string>();
        foreach (var (name, _, folder) in Sources)
        {
            var all = Directory.GetFiles(Path.Combine(cache, folder), "*.svg").Order(StringComparer.Ordinal).ToArray();
            var count = Math.Min(perSource, all.Length);
            Directory.CreateDirectory(Path.Combine(input, name));
            for (var i = 0; i < count; i++)
            {
                var source = all[(int)((long)i * all.Length / count)];
                var target = Path.Combine(input, name, Path.GetFileName(source));
                File.Copy(source, target);
                files.Add(Path.GetRelativePath(input, target));
            }
        }

        var bytesIn = files.Sum(f => new FileInfo(Path.Combine(input, f)).Length);
        var cli = await PublishCliAsync(cache).ConfigureAwait(false);
        if (cli is null)
        {
            return 1;
        }

        var svgo = Path.Combine(cache, "node_modules", "svgo", "bin", "svgo");
        var rounds = quick ? 2 : 3;
        double oursBest = double.MaxValue, svgoBest = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the two tools so that machine noise affects both alike.
            var (oursSeconds, oursCode, oursOutput) = await TimeProcessAsync(cli.FileName, $"{cli.ArgumentsPrefix}-q \"{input}\" -o \"{oursOut}\"", cache).ConfigureAwait(false);
            oursBest = Math.Min(oursBest, oursSeconds);
            if (oursCode is not (0 or 1))
            {
                // 1 means some files were refused; they count with their original size below.
                await Console.Error.WriteLineAsync($"SvgMinify failed ({oursCode}): {oursOutput}").ConfigureAwait(false);
                return 1;
            }

            var (svgoSeconds, code, output) = await TimeProcessAsync("node", $"\"{svgo}\" -q -r -f \"{input}\" -o \"{svgoOut}\"", cache).ConfigureAwait(false);
            svgoBest = Math.Min(svgoBest, svgoSeconds);
            if (code != 0)
            {
                await Console.Error.WriteLineAsync($"svgo failed ({code}): {output}").ConfigureAwait(false);
                return 1;
            }
        }

        var oursWarm = MinifyWarm(input, files);
        var svgoWarm = await SvgoWarmAsync(cache, input).ConfigureAwait(false);
        if (svgoWarm is null)
        {
            return 1;
        }

        var oursBytes = files.Sum(f => File.Exists(Path.Combine(oursOut, f)) ? new FileInfo(Path.Combine(oursOut, f)).Length : new FileInfo(Path.Combine(input, f)).Length);
        var svgoBytes = files.Sum(f => new FileInfo(Path.Combine(svgoOut, f)).Length);
        var (oursChanged, oursVisible) = CountChanges(input, oursOut, files);
        var (svgoChanged, svgoVisible) = CountChanges(input, svgoOut, files);
        var megabytes = bytesIn / 1e6;
        var ours = megabytes / oursBest;
        var peer = megabytes / svgoBest;
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = "svgo",
            ["unit"] = "MB/s",
            ["ours"] = Math.Round(ours, 3),
            ["peer"] = Math.Round(peer, 3),
            ["ratio"] = Math.Round(ours / peer, 3),
            ["details"] = new Dictionary<string, object>
            {
                ["files"] = files.Count,
                ["bytes_in"] = bytesIn,
                ["ours_bytes"] = oursBytes,
                ["svgo_bytes"] = svgoBytes,
                ["size_ratio_ours_over_svgo"] = Math.Round((double)oursBytes / svgoBytes, 4),
                ["ours_changed_files"] = oursChanged,
                ["ours_visibly_changed_files"] = oursVisible,
                ["svgo_changed_files"] = svgoChanged,
                ["svgo_visibly_changed_files"] = svgoVisible,
                ["ours_seconds"] = Math.Round(oursBest, 3),
                ["svgo_seconds"] = Math.Round(svgoBest, 3),
                ["ours_warm_seconds"] = Math.Round(oursWarm, 3),
                ["svgo_warm_seconds"] = Math.Round(svgoWarm.Value, 3),
                ["warm_ratio"] = Math.Round(svgoWarm.Value / oursWarm, 3),
                ["svgo_version"] = SvgoVersion,
                ["ours_build"] = cli.Build,
                ["ours_threads"] = Environment.ProcessorCount,
                ["cli_note"] = $"SvgMinify minifies the files of a folder in parallel on all {Environment.ProcessorCount} cores; SVGO's CLI is single-threaded. Warm figures are one thread each.",
            },
        });
        Console.WriteLine(json);
        return 0;
    }

    /// <summary>
    /// Publishes the SvgMinify sample as a user would ship a command-line tool: Native AOT for this
    /// machine when the toolchain is there (a C compiler and linker; gcc when clang is missing), else
    /// framework-dependent ReadyToRun. Returns how to start it, or null when both publishes failed.
    /// </summary>
    private static async Task<PublishedCli?> PublishCliAsync(string cache)
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Libraries.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar));
        }

        if (root is null)
        {
            await Console.Error.WriteLineAsync("Could not find Libraries.sln above the benchmark to publish samples/SvgMinify.").ConfigureAwait(false);
            return null;
        }

        var project = Path.Combine(root, "samples", "SvgMinify", "SvgMinify.csproj");
        var native = Path.Combine(cache, "cli-aot");
        if (Directory.Exists(native))
        {
            Directory.Delete(native, recursive: true);
        }

        // IlcInstructionSet=native: the binary is built on and for the machine that runs it, as
        // ReadyToRun code is (its JIT uses every instruction set the processor has).
        var linker = IsOnPath("clang") ? string.Empty : " -p:CppCompilerAndLinker=gcc";
        var (aotCode, aotText) = await RunProcessAsync("dotnet", $"publish \"{project}\" -c Release --use-current-runtime -p:PublishAot=true -p:IlcInstructionSet=native{linker} -o \"{native}\"", cache).ConfigureAwait(false);
        var executable = Path.Combine(native, OperatingSystem.IsWindows() ? "SvgMinify.exe" : "SvgMinify");
        if (aotCode == 0 && File.Exists(executable))
        {
            return new PublishedCli(executable, string.Empty, "native-aot");
        }

        await Console.Error.WriteLineAsync($"Native AOT publish of SvgMinify failed ({aotCode}), falling back to ReadyToRun: {aotText}").ConfigureAwait(false);
        var output = Path.Combine(cache, "cli");
        var (code, text) = await RunProcessAsync("dotnet", $"publish \"{project}\" -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o \"{output}\"", cache).ConfigureAwait(false);
        if (code != 0)
        {
            await Console.Error.WriteLineAsync($"dotnet publish SvgMinify failed ({code}): {text}").ConfigureAwait(false);
            return null;
        }

        return new PublishedCli("dotnet", $"\"{Path.Combine(output, "SvgMinify.dll")}\" ", "ready-to-run");
    }

    private static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));

    /// <summary>Untimed passes over the corpus before the timed ones, for both engines: at least this many...</summary>
    private const int WarmUpPasses = 2;

    /// <summary>...and for at least this long, so that tiered compilation (ours) and V8's optimizing tiers have settled.</summary>
    private const double WarmUpSeconds = 2;

    /// <summary>Timed passes for both engines; the best counts.</summary>
    private const int TimedPasses = 3;

    /// <summary>Seconds for the best sequential pass over the corpus in memory, after the untimed warm-up passes.</summary>
    private static double MinifyWarm(string input, List<string> files)
    {
        var texts = files.Select(f => File.ReadAllText(Path.Combine(input, f))).ToArray();
        var watch = new Stopwatch();
        var warmUp = Stopwatch.StartNew();
        var warmUpPasses = 0;
        while (warmUpPasses < WarmUpPasses || warmUp.Elapsed.TotalSeconds < WarmUpSeconds)
        {
            MinifyAll(texts);
            warmUpPasses++;
        }

        var best = double.MaxValue;
        for (var pass = 0; pass < TimedPasses; pass++)
        {
            watch.Restart();
            MinifyAll(texts);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void MinifyAll(string[] texts)
    {
        foreach (var text in texts)
        {
            try
            {
                _ = SvgMinifier.Minify(text);
            }
            catch (SvgParseException)
            {
                // Refused files cost what the parser spent on them.
            }
        }
    }

    /// <summary>The same as <see cref="MinifyWarm"/> for SVGO's <c>optimize</c> in one node process.</summary>
    private static async Task<double?> SvgoWarmAsync(string cache, string input)
    {
        const string Script = """
            const { optimize } = require('svgo');
            const fs = require('fs');
            const path = require('path');
            const files = [];
            (function walk(dir) {
              for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name < b.name ? -1 : 1)) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(full); else if (entry.name.endsWith('.svg')) files.push([full, fs.readFileSync(full, 'utf8')]);
              }
            })(process.argv[2]);
            const all = () => { for (const [file, text] of files) { try { optimize(text, { path: file }); } catch { } } };
            const warmUp = process.hrtime.bigint();
            for (let pass = 0; pass < WARM_UP || Number(process.hrtime.bigint() - warmUp) / 1e9 < WARM_SECONDS; pass++) all();
            let seconds = Infinity;
            for (let pass = 0; pass < TIMED; pass++) {
              const start = process.hrtime.bigint();
              all();
              seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
            }
            console.log(seconds);
            """;
        var script = Path.Combine(cache, "warm.cjs");
        var text = Script.Replace("WARM_UP", WarmUpPasses.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("WARM_SECONDS", WarmUpSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TIMED", TimedPasses.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await File.WriteAllTextAsync(script, text).ConfigureAwait(false);
        var (code, output) = await RunProcessAsync("node", $"\"{script}\" \"{input}\"", cache).ConfigureAwait(false);
        if (code != 0 || !double.TryParse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            await Console.Error.WriteLineAsync($"svgo warm run failed ({code}): {output}").ConfigureAwait(false);
            return null;
        }

        return seconds;
    }

    private static async Task<(double Seconds, int Code, string Output)> TimeProcessAsync(string fileName, string arguments, string workingDirectory)
    {
        var watch = Stopwatch.StartNew();
        var (code, output) = await RunProcessAsync(fileName, arguments, workingDirectory).ConfigureAwait(false);
        return (watch.Elapsed.TotalSeconds, code, output);
    }

    private static (int Changed, int Visible) CountChanges(string input, string output, List<string> files)
    {
        var changed = 0;
        var visible = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
        {
            var target = Path.Combine(output, file);
            if (!File.Exists(target))
            {
                return;
            }

            var fraction = SvgRendering.DifferentFraction(File.ReadAllText(Path.Combine(input, file)), File.ReadAllText(target));
            if (fraction > 0.001)
            {
                Interlocked.Increment(ref changed);
            }

            if (fraction > 0.01)
            {
                Interlocked.Increment(ref visible);
            }
        });
        return (changed, visible);
    }

    private static async Task<(int Code, string Output)> RunProcessAsync(string fileName, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        return (process.ExitCode, output + " " + error);
    }

    /// <summary>How to start the published CLI: a native executable, or <c>dotnet</c> with the dll first.</summary>
    private sealed record PublishedCli(string FileName, string ArgumentsPrefix, string Build);
}
