using System.Globalization;
using System.Text;
using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Replaces a path that repeats an earlier one moved by a translation (same attributes, same shape) by a
/// <c>use</c> of the earlier one with that translation, where that is shorter. Exact: the use draws the
/// earlier path with its own attributes, inheriting the rest where the repeat stood, and every
/// coordinate is the earlier one's plus the offset. Only untransformed paths without ids, classes or
/// styles, outside clip paths, masks, patterns, markers, symbols, text and switch, and not among the plain
/// fills of a transformed group (which Svg.Skia draws through a path of its own).
/// </summary>
internal sealed class ReusePathsPass : ISvgPass
{
    /// <summary>The paths of one document compared at most, so that the pass stays linear on huge inputs.</summary>
    private const int MaxPaths = 20_000;

    public string Name => "reusePaths";

    public string Description => "Replaces a path repeating an earlier one moved by a translation with a use of the earlier one.";

    public bool IsEnabled(SvgMinifierOptions options) => !options.KeepIds && !options.KeepXlink;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void End(SvgDocument document)
        {
            if (context.IsDynamic || context.HasMarkers)
            {
                return;
            }

            var firsts = new Dictionary<string, (SvgElement Element, long X, long Y, int Decimals)>(StringComparer.Ordinal);
            var ids = new HashSet<string>(document.Root.DescendantsAndSelf().Select(e => e.Get("id")).OfType<string>(), StringComparer.Ordinal);
            var commands = new List<PathCommand>();
            var seen = 0;
            foreach (var path in document.Root.DescendantsAndSelf().Where(e => e.Name == "path").ToList())
            {
                if (++seen > MaxPaths)
                {
                    return;
                }

                if (!this.IsCandidate(path) || Key(path, commands, context.CoordinateDecimals(path)) is not { } shape)
                {
                    continue;
                }

                if (!firsts.TryGetValue(shape.Key, out var first))
                {
                    firsts[shape.Key] = (path, shape.X, shape.Y, shape.Decimals);
                    continue;
                }

                var id = first.Element.Get("id");
                var x = SvgNumber.FormatScaled(shape.X - first.X, shape.Decimals);
                var y = SvgNumber.FormatScaled(shape.Y - first.Y, shape.Decimals);
                var use = $"<use href=\"#{id ?? "a"}\"{(x == "0" ? string.Empty : $" x=\"{x}\"")}{(y == "0" ? string.Empty : $" y=\"{y}\"")}/>".Length;
                var saving = Length(path) - use - (id is null ? 7 : 0);
                if (saving <= 0)
                {
                    continue;
                }

                if (id is null)
                {
                    id = FreeId(ids);
                    first.Element.Attributes.Insert(0, new SvgAttribute("id", id));
                }

                var replacement = new SvgElement("use") { Parent = path.Parent };
                replacement.Attributes.Add(new SvgAttribute("href", "#" + id));
                if (x != "0")
                {
                    replacement.Attributes.Add(new SvgAttribute("x", x));
                }

                if (y != "0")
                {
                    replacement.Attributes.Add(new SvgAttribute("y", y));
                }

                var siblings = path.Parent!.Children;
                siblings[siblings.IndexOf(path)] = replacement;
                path.Parent = null;
                context.CountRewritten();
            }
        }

        /// <summary>Returns the characters the element takes when written.</summary>
        private static int Length(SvgElement path) => "<path/>".Length + path.Attributes.Sum(a => a.Name.Length + a.Value.Length + 4);

        private static string FreeId(HashSet<string> ids)
        {
            for (var i = 0; ; i++)
            {
                var id = "r" + i.ToString(CultureInfo.InvariantCulture);
                if (ids.Add(id))
                {
                    return id;
                }
            }
        }

        /// <summary>
        /// Returns the shape key of a path (its attributes but d, and its commands relative to its first
        /// point, in rounded units) with that first point, or null when its numbers have more decimals
        /// than <paramref name="decimals"/> (a translation could not be written exactly).
        /// </summary>
        private static (string Key, long X, long Y, int Decimals)? Key(SvgElement path, List<PathCommand> commands, int decimals)
        {
            if (!PathParser.TryParse(path.Get("d")!, commands) || commands.Any(c => c.Digits > decimals))
            {
                return null;
            }

            var key = new StringBuilder();
            foreach (var attribute in path.Attributes.Where(a => a.Name != "d").OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                key.Append(attribute.Name).Append('=').Append(attribute.Value).Append(';');
            }

            if (!SvgNumber.TryScale(commands[0].X, decimals, out var originX) || !SvgNumber.TryScale(commands[0].Y, decimals, out var originY))
            {
                return null;
            }

            key.Append(decimals).Append(':');
            foreach (var c in commands)
            {
                key.Append(c.Command);
                var ok = Append(key, c.X, originX, decimals) && Append(key, c.Y, originY, decimals) && c.Command switch
                {
                    'C' => Append(key, c.X1, originX, decimals) && Append(key, c.Y1, originY, decimals) && Append(key, c.X2, originX, decimals) && Append(key, c.Y2, originY, decimals),
                    'S' => Append(key, c.X2, originX, decimals) && Append(key, c.Y2, originY, decimals),
                    'Q' => Append(key, c.X1, originX, decimals) && Append(key, c.Y1, originY, decimals),
                    _ => true,
                };
                if (!ok)
                {
                    return null;
                }

                if (c.Command == 'A')
                {
                    key.Append(CultureInfo.InvariantCulture, $"{c.Rx:R},{c.Ry:R},{c.Angle:R},{c.LargeArc},{c.Sweep}");
                }
            }

            return (key.ToString(), originX, originY, decimals);
        }

        private static bool Append(StringBuilder key, double value, long origin, int decimals)
        {
            if (!SvgNumber.TryScale(value, decimals, out var scaled))
            {
                return false;
            }

            key.Append(scaled - origin).Append(',');
            return true;
        }

        private bool IsCandidate(SvgElement path)
        {
            if (path.Children.Count > 0 || path.Get("d") is null || path.Has("id") || path.Has("class") || path.Has("style") || path.Has("transform")
                || path.Attributes.Any(a => a.Name.Contains(':', StringComparison.Ordinal)))
            {
                return false;
            }

            for (var e = path.Parent; e is not null; e = e.Parent)
            {
                if (SvgNames.NonRendering.Contains(e.Name) || e.Name is "text" or "switch" or "a" || e.HasPrefix)
                {
                    return false;
                }
            }

            // Svg.Skia transforms the points of a transformed group of plain fills itself; a use among them ends that.
            var parent = path.Parent!;
            return !(parent.Has("transform") && parent.ChildElements.All(c => SvgNames.Shapes.Contains(c.Name) && !context.MayStroke(c)));
        }
    }
}
