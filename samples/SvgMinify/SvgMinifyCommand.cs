using System.Text;
using MicroSvg;

namespace SvgMinify;

/// <summary>The command: minifies a file, a folder tree or stdin and reports what it saved.</summary>
internal static class SvgMinifyCommand
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int BadArguments = 2;

    private const string Sample = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Generator: an editor, with metadata that nothing renders -->
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" version="1.1" viewBox="0 0 24 24" width="24px" height="24px">
          <title>Sample</title>
          <g inkscape:label="Layer 1" fill="#FF0000">
            <path fill-opacity="1.000" d="M 12.000000,2.000000 L 22.000000,12.000000 L 12.000000,22.000000 L 2.000000,12.000000 Z"/>
          </g>
        </svg>
        """;

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var command = CommandLine.Parse(args, out var error);
        if (command is null)
        {
            stderr.WriteLine(error);
            stderr.WriteLine(CommandLine.Usage);
            return BadArguments;
        }

        if (command.Help)
        {
            stdout.WriteLine(CommandLine.Usage);
            return Success;
        }

        if (command.Input is null)
        {
            var result = SvgMinifier.Minify(Sample, command.Options);
            stdout.WriteLine(result.Output);
            stderr.WriteLine($"Built-in sample: {result.BytesIn} -> {result.BytesOut} bytes in {result.PassesRun} iterations. Pass an input: SvgMinify INPUT -o OUTPUT.");
            return Success;
        }

        if (command.Input == "-")
        {
            return MinifyStream(command, stdin, stdout, stderr);
        }

        if (Directory.Exists(command.Input))
        {
            if (command.Output is null or "-")
            {
                stderr.WriteLine("A folder input needs -o OUTPUT_FOLDER.");
                return BadArguments;
            }

            return MinifyFolder(command, command.Input, command.Output, stderr);
        }

        if (!File.Exists(command.Input))
        {
            stderr.WriteLine($"Input not found: {command.Input}");
            return BadArguments;
        }

        return MinifyFile(command, stdout, stderr);
    }

    private static int MinifyStream(CommandLine command, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var result = SvgMinifier.Minify(stdin.ReadToEnd(), command.Options);
            if (command.Output is null or "-")
            {
                stdout.Write(result.Output);
            }
            else
            {
                TextFile.Write(command.Output, result.Output);
            }

            return Success;
        }
        catch (SvgParseException exception)
        {
            stderr.WriteLine($"-: {exception.Message}");
            return SomeFailed;
        }
    }

    private static int MinifyFile(CommandLine command, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var result = SvgMinifier.Minify(TextFile.Read(command.Input!), command.Options);
            if (command.Output is null or "-")
            {
                stdout.Write(result.Output);
            }
            else
            {
                var folder = Path.GetDirectoryName(Path.GetFullPath(command.Output));
                Directory.CreateDirectory(folder!);
                TextFile.Write(command.Output, result.Output);
            }

            if (!command.Quiet)
            {
                stderr.WriteLine(Summary(1, 0, result.BytesIn, result.BytesOut));
            }

            return Success;
        }
        catch (Exception exception) when (exception is SvgParseException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{command.Input}: {exception.Message}");
            return SomeFailed;
        }
    }

    private static int MinifyFolder(CommandLine command, string input, string output, TextWriter stderr)
    {
        // Absolute paths once, so that no file operation below has to ask for the working directory.
        var inputRoot = Path.GetFullPath(input);
        var outputRoot = Path.GetFullPath(output);
        var files = Directory.GetFiles(inputRoot, "*.svg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        var relatives = Array.ConvertAll(files, file => Path.GetRelativePath(inputRoot, file));

        // Each output folder is created once, not once per file.
        foreach (var folder in relatives.Select(r => Path.GetDirectoryName(Path.Combine(outputRoot, r))!).Distinct(StringComparer.Ordinal))
        {
            Directory.CreateDirectory(folder);
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        long bytesIn = 0, bytesOut = 0;
        var done = 0;
        var progress = new ProgressBar(stderr, files.Length, enabled: !command.Quiet);
        Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                var result = SvgMinifier.Minify(TextFile.Read(files[i]), command.Options);
                TextFile.Write(Path.Combine(outputRoot, relatives[i]), result.Output);
                Interlocked.Add(ref bytesIn, result.BytesIn);
                Interlocked.Add(ref bytesOut, result.BytesOut);
            }
            catch (Exception exception) when (exception is SvgParseException or IOException or UnauthorizedAccessException or DecoderFallbackException)
            {
                failures.Add($"{Path.Combine(input, relatives[i])}: {exception.Message}");
            }

            progress.Report(Interlocked.Increment(ref done));
        });

        progress.Finish();
        foreach (var failure in failures.Order(StringComparer.Ordinal))
        {
            stderr.WriteLine(failure);
        }

        if (!command.Quiet)
        {
            stderr.WriteLine(Summary(files.Length, failures.Count, bytesIn, bytesOut));
        }

        return failures.IsEmpty ? Success : SomeFailed;
    }

    private static string Summary(int files, int failed, long bytesIn, long bytesOut)
    {
        var saved = bytesIn - bytesOut;
        var percent = bytesIn == 0 ? 0 : 100.0 * saved / bytesIn;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{files - failed} of {files} file(s) minified: {bytesIn} -> {bytesOut} bytes, saved {saved} bytes ({percent:F1}%).");
    }
}
