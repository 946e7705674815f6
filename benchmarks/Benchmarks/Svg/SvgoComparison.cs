using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MicroSvg;

namespace Benchmarks.Svg;

/// <summary>
/// <c>compare svgo</c>: runs SVGO (pinned, default preset, installed with npm by this benchmark) and
/// MicroSvg over the same real-world corpus and prints one JSON line: throughput in MB/s of a whole
/// run over a folder (ours in-process with the CLI's parallelism, SVGO as its CLI), output sizes and
/// how many files each changed when rendered.
/// </summary>
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
        var svgo = Path.Combine(cache, "node_modules", "svgo", "bin", "svgo");
        var rounds = quick ? 2 : 3;
        double oursBest = double.MaxValue, svgoBest = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the two tools so that machine noise affects both alike.
            oursBest = Math.Min(oursBest, MinifyFolder(input, oursOut));
            var watch = Stopwatch.StartNew();
            var (code, output) = await RunProcessAsync("node", $"\"{svgo}\" -q -r -f \"{input}\" -o \"{svgoOut}\"", cache).ConfigureAwait(false);
            svgoBest = Math.Min(svgoBest, watch.Elapsed.TotalSeconds);
            if (code != 0)
            {
                await Console.Error.WriteLineAsync($"svgo failed ({code}): {output}").ConfigureAwait(false);
                return 1;
            }
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
                ["svgo_version"] = SvgoVersion,
            },
        });
        Console.WriteLine(json);
        return 0;
    }

    /// <summary>Minifies every file of a folder tree like the SvgMinify CLI does; returns the elapsed seconds.</summary>
    private static double MinifyFolder(string input, string output)
    {
        var watch = Stopwatch.StartNew();
        var files = Directory.GetFiles(input, "*.svg", SearchOption.AllDirectories);
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
        {
            var target = Path.Combine(output, Path.GetRelativePath(input, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.WriteAllText(target, SvgMinifier.Minify(File.ReadAllText(file)).Output, new UTF8Encoding(false));
            }
            catch (SvgParseException)
            {
                // Refused files count with their original size.
            }
        });
        return watch.Elapsed.TotalSeconds;
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
}
