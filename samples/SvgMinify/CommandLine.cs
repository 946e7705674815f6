using System.Globalization;
using MicroSvg;

namespace SvgMinify;

/// <summary>Parsed command-line arguments.</summary>
internal sealed class CommandLine
{
    public const string Usage = """
        Usage: SvgMinify [INPUT] [-o OUTPUT] [options]
          INPUT            an .svg file, a folder (recursive, mirrored into OUTPUT) or - for stdin
          -o, --output     output file, folder or - for stdout (default: stdout for a file or stdin)
          -p, --precision  decimal places for coordinates (default: adaptive to the image size)
          --no-multipass   run the passes once instead of until the output stops shrinking
          --keep-ids       keep ids as written
          --keep-titles    keep <title> elements
          --keep-xlink     keep xlink:href for SVG 1.1 renderers (default: write href)
          --remove-viewbox remove a viewBox equal to 0 0 width height (kept by default)
          --remove-scripts remove scripts and event attributes
          --remove-foreign-objects  remove foreignObject elements
          --pretty         indent the output
          -q, --quiet      no progress bar or summary
          -h, --help       show this help
        With no arguments, minifies a built-in sample and prints it.
        Exit codes: 0 all good, 1 some files failed, 2 bad arguments.
        """;

    public string? Input { get; private set; }

    public string? Output { get; private set; }

    public bool Quiet { get; private set; }

    public bool Help { get; private set; }

    public SvgMinifierOptions Options { get; private set; } = SvgMinifierOptions.Default;

    /// <summary>Parses arguments; returns null with an error message when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error)
    {
        error = null;
        var result = new CommandLine();
        int? precision = null;
        bool multipass = true, keepIds = false, keepTitles = false, keepXlink = false, keepViewBox = true, removeScripts = false, removeForeign = false, pretty = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-o" or "--output":
                    if (i + 1 >= args.Length)
                    {
                        error = $"{arg} needs a value.";
                        return null;
                    }

                    result.Output = args[++i];
                    break;
                case "-p" or "--precision":
                    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > SvgMinifierOptions.MaxPrecision)
                    {
                        error = $"{arg} needs a number from 0 to {SvgMinifierOptions.MaxPrecision}.";
                        return null;
                    }

                    precision = p;
                    i++;
                    break;
                case "--no-multipass": multipass = false; break;
                case "--keep-ids": keepIds = true; break;
                case "--keep-titles": keepTitles = true; break;
                case "--keep-xlink": keepXlink = true; break;
                case "--keep-viewbox": keepViewBox = true; break;
                case "--remove-viewbox": keepViewBox = false; break;
                case "--remove-scripts": removeScripts = true; break;
                case "--remove-foreign-objects": removeForeign = true; break;
                case "--pretty": pretty = true; break;
                case "-q" or "--quiet": result.Quiet = true; break;
                case "-h" or "--help": result.Help = true; break;
                default:
                    if (arg.StartsWith('-') && arg != "-")
                    {
                        error = $"Unknown option {arg}.";
                        return null;
                    }

                    if (result.Input is not null)
                    {
                        error = $"Only one input is accepted; got {result.Input} and {arg}.";
                        return null;
                    }

                    result.Input = arg;
                    break;
            }
        }

        result.Options = new SvgMinifierOptions
        {
            Precision = precision,
            Multipass = multipass,
            KeepIds = keepIds,
            KeepTitles = keepTitles,
            KeepXlink = keepXlink,
            KeepViewBox = keepViewBox,
            RemoveScripts = removeScripts,
            RemoveForeignObjects = removeForeign,
            Pretty = pretty,
        };
        return result;
    }
}
