using System.Diagnostics;

namespace MicroSvg.Tests.Infrastructure;

/// <summary>
/// The real-world corpus: pinned npm packages (icons, flags, emoji) and the pinned Debian openclipart
/// package (editor-authored drawings), installed by <c>corpus/install.sh</c> into a cache outside git. A fixed sample runs by default; <c>MICROSVG_FULL_CORPUS=1</c> runs every file.
/// </summary>
internal static class Corpus
{
    /// <summary>Files taken from each source in the default sample.</summary>
    public const int SamplePerSource = 60;

    private static readonly (string Name, string Folder)[] Sources =
    [
        ("mdi", "node_modules/@mdi/svg/svg"),
        ("simple-icons", "node_modules/simple-icons/icons"),
        ("flag-icons-4x3", "node_modules/flag-icons/flags/4x3"),
        ("flag-icons-1x1", "node_modules/flag-icons/flags/1x1"),
        ("twemoji", "node_modules/@twemoji/svg"),
        ("tabler-outline", "node_modules/@tabler/icons/icons/outline"),
        ("tabler-filled", "node_modules/@tabler/icons/icons/filled"),
        ("bootstrap-icons", "node_modules/bootstrap-icons/icons"),
        ("openclipart", "debian/openclipart"),
    ];

    private static readonly Lazy<string> Installed = new(Install);

    /// <summary>Gets a value indicating whether the full corpus was requested.</summary>
    public static bool Full => Environment.GetEnvironmentVariable("MICROSVG_FULL_CORPUS") == "1";

    /// <summary>Gets the cache folder (MICROSVG_CORPUS_DIR or ~/.cache/microsvg-corpus).</summary>
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("MICROSVG_CORPUS_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "microsvg-corpus");

    /// <summary>Returns the corpus files (sample or full), installing the corpus first if needed.</summary>
    public static IReadOnlyList<(string Source, string Path)> Files()
    {
        var root = Installed.Value;
        var result = new List<(string, string)>();
        foreach (var (name, folder) in Sources)
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                throw new InvalidOperationException($"Corpus source '{name}' is missing at {path}; delete {root} and rerun to reinstall.");
            }

            var files = Directory.GetFiles(path, "*.svg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
            if (Full || files.Length <= SamplePerSource)
            {
                result.AddRange(files.Select(f => (name, f)));
            }
            else
            {
                // Evenly spaced, so the sample is fixed for a pinned package version.
                for (var i = 0; i < SamplePerSource; i++)
                {
                    result.Add((name, files[(int)((long)i * files.Length / SamplePerSource)]));
                }
            }
        }

        return result;
    }

    private static string Install()
    {
        var cache = CacheFolder;
        if (File.Exists(Path.Combine(cache, ".complete")))
        {
            return cache;
        }

        var script = Path.Combine(AppContext.BaseDirectory, "corpus", "install.sh");
        var start = new ProcessStartInfo("bash", [script, cache])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash to install the corpus.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"Installing the render corpus with npm timed out (script {script}, cache {cache}).");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Installing the render corpus failed (exit {process.ExitCode}); npm must reach its registry. Script: {script}. Output: {stdout.Result} {stderr.Result}");
        }

        return cache;
    }
}
