using System.Globalization;
using System.Text;
using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Replaces a path that repeats an earlier one moved by a translation (same attributes, same shape) by a
/// <c>use</c> of the earlier one with that translation, where that is shorter; when the repeats differ
/// only in inheritable attributes, the shape moves into <c>defs</c> with the attributes all share and
/// every instance becomes a use carrying its own. Exact: a use draws the path with its own attributes,
/// inheriting the rest where the instance stood, and every coordinate is the first one's plus the offset. Only untransformed paths without ids, classes or
/// styles, outside clip paths, masks, patterns, markers, symbols, text and switch, and not among the plain
/// fills of a transformed group (which Svg.Skia draws through a path of its own).
/// </summary>
internal sealed class ReusePathsPass : ISvgPass
{
    /// <summary>The paths of one document compared at most, so that the pass stays linear on huge inputs.</summary>
    private const int MaxPaths = 20_000;

    /// <summary>Path data shorter than this cannot pay for a use and an id.</summary>
    private const int MinDataChars = 24;

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

            // A cheap fingerprint of each shape finds the few paths worth a full comparison.
            var commands = new List<PathCommand>();
            var fingerprints = new Dictionary<long, List<SvgElement>>();
            var seen = 0;
            foreach (var path in document.Root.DescendantsAndSelf())
            {
                if (path.Name != "path" || path.Get("d") is not { Length: >= MinDataChars } || ++seen > MaxPaths || !this.IsCandidate(path)
                    || Fingerprint(path, commands, context.CoordinateDecimals(path)) is not { } fingerprint)
                {
                    continue;
                }

                if (!fingerprints.TryGetValue(fingerprint, out var list))
                {
                    fingerprints[fingerprint] = list = [];
                }

                list.Add(path);
            }

            if (seen > MaxPaths || fingerprints.Count == seen)
            {
                return;
            }

            var shapes = new Dictionary<string, List<Instance>>(StringComparer.Ordinal);
            var ids = new HashSet<string>(document.Root.DescendantsAndSelf().Select(e => e.Get("id")).OfType<string>(), StringComparer.Ordinal);
            foreach (var path in fingerprints.Values.Where(l => l.Count > 1).SelectMany(l => l))
            {
                if (Key(path, commands, context.CoordinateDecimals(path)) is { } shape)
                {
                    if (!shapes.TryGetValue(shape.Key, out var instances))
                    {
                        shapes[shape.Key] = instances = [];
                    }

                    instances.Add(new Instance(path, shape.X, shape.Y, shape.Decimals));
                }
            }

            foreach (var instances in shapes.Values.Where(i => i.Count > 1))
            {
                var byAttributes = instances.GroupBy(i => Signature(i.Element), StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
                var sameSaving = byAttributes.Sum(g => SameSaving(g.ToList()));
                var sharedSaving = instances.All(i => i.Element.Attributes.All(a => a.Name == "d" || SvgNames.Inheritable.Contains(a.Name))) ? SharedSaving(instances, document) : 0;
                if (sharedSaving > sameSaving && sharedSaving > 0)
                {
                    this.Share(instances, document, ids);
                }
                else
                {
                    foreach (var group in byAttributes)
                    {
                        this.ReuseFirst(group.ToList(), ids);
                    }
                }
            }
        }

        /// <summary>Returns what replacing the repeats of the first instance (all with the same attributes) by uses saves.</summary>
        private static int SameSaving(List<Instance> instances)
        {
            var common = Common(instances);
            return instances.Skip(1).Sum(i => Math.Max(0, Length(i.Element) - UseLength(i, instances[0], common))) - IdCost;
        }

        /// <summary>Returns what moving the shape into defs and drawing every instance with a use saves.</summary>
        private static int SharedSaving(List<Instance> instances, SvgDocument document)
        {
            var common = Common(instances);
            var definition = "<path id=\"r0\" d=\"\"/>".Length + instances[0].Element.Get("d")!.Length + common.Sum(a => a.Name.Length + a.Value.Length + 4)
                + (Defs(document) is null ? "<defs></defs>".Length : 0);
            return instances.Sum(i => Length(i.Element) - UseLength(i, instances[0], common)) - definition;
        }

        /// <summary>Replaces the repeats of the first instance by uses of it, each where shorter.</summary>
        private void ReuseFirst(List<Instance> instances, HashSet<string> ids)
        {
            // The uses draw the first instance with its own attributes, which all instances share.
            var first = instances[0];
            var common = Common(instances);
            foreach (var instance in instances.Skip(1))
            {
                if (Length(instance.Element) - UseLength(instance, first, common) - (first.Element.Has("id") ? 0 : IdCost) <= 0)
                {
                    continue;
                }

                if (first.Element.Get("id") is not { } id)
                {
                    id = FreeId(ids);
                    first.Element.Attributes.Insert(0, new SvgAttribute("id", id));
                }

                this.Replace(instance, first, id, common);
            }
        }

        /// <summary>Moves the shape into defs (with the attributes all instances share) and draws every instance with a use.</summary>
        private void Share(List<Instance> instances, SvgDocument document, HashSet<string> ids)
        {
            var common = Common(instances);
            var id = FreeId(ids);
            var definition = new SvgElement("path");
            definition.Attributes.Add(new SvgAttribute("id", id));
            definition.Attributes.Add(new SvgAttribute("d", instances[0].Element.Get("d")!));
            definition.Attributes.AddRange(common.Select(a => new SvgAttribute(a.Name, a.Value)));
            var defs = Defs(document);
            if (defs is null)
            {
                defs = new SvgElement("defs") { Parent = document.Root };
                document.Root.Children.Insert(0, defs);
            }

            defs.Append(definition);
            foreach (var instance in instances)
            {
                this.Replace(instance, instances[0], id, common);
            }
        }

        private void Replace(Instance instance, Instance origin, string id, List<SvgAttribute> common)
        {
            var use = new SvgElement("use") { Parent = instance.Element.Parent };
            use.Attributes.Add(new SvgAttribute("href", "#" + id));
            use.Attributes.AddRange(Own(instance.Element, common).Select(a => new SvgAttribute(a.Name, a.Value)));
            var (x, y) = Offset(instance, origin);
            if (x != "0")
            {
                use.Attributes.Add(new SvgAttribute("x", x));
            }

            if (y != "0")
            {
                use.Attributes.Add(new SvgAttribute("y", y));
            }

            var siblings = instance.Element.Parent!.Children;
            siblings[siblings.IndexOf(instance.Element)] = use;
            instance.Element.Parent = null;
            context.CountRewritten();
        }

        /// <summary>Characters an id attribute with a short name takes.</summary>
        private const int IdCost = 7;

        private static (string X, string Y) Offset(Instance instance, Instance origin) =>
            (SvgNumber.FormatScaled(instance.X - origin.X, instance.Decimals), SvgNumber.FormatScaled(instance.Y - origin.Y, instance.Decimals));

        private static int UseLength(Instance instance, Instance origin, List<SvgAttribute> common)
        {
            var (x, y) = Offset(instance, origin);
            return "<use href=\"#r0\"/>".Length + Own(instance.Element, common).Sum(a => a.Name.Length + a.Value.Length + 4)
                + (x == "0" ? 0 : x.Length + 5) + (y == "0" ? 0 : y.Length + 5);
        }

        /// <summary>The attributes of an instance that the shared definition does not carry (all but d for a plain reuse).</summary>
        private static IEnumerable<SvgAttribute> Own(SvgElement element, List<SvgAttribute> common) =>
            element.Attributes.Where(a => a.Name != "d" && a.Name != "id" && !common.Any(c => c.Name == a.Name && c.Value == a.Value));

        private static List<SvgAttribute> Common(List<Instance> instances) =>
            instances[0].Element.Attributes.Where(a => a.Name is not ("d" or "id") && instances.All(i => i.Element.Get(a.Name) == a.Value)).ToList();

        private static string Signature(SvgElement element) =>
            string.Join(';', element.Attributes.Where(a => a.Name is not ("d" or "id")).OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => a.Name + "=" + a.Value));

        private static SvgElement? Defs(SvgDocument document) => document.Root.ChildElements.FirstOrDefault(e => e.Name == "defs" && !e.Has("id"));

        /// <summary>A candidate path with the first point of its shape, in rounded units.</summary>
        private readonly record struct Instance(SvgElement Element, long X, long Y, int Decimals);

        /// <summary>
        /// Returns a hash of the shape (commands and coordinates relative to the first point, in rounded
        /// units), or null when the path cannot be compared; equal shapes have equal fingerprints.
        /// </summary>
        private static long? Fingerprint(SvgElement path, List<PathCommand> commands, int decimals)
        {
            // Unchanged data keeps its fingerprint across iterations of the passes.
            var data = path.Find("d")!;
            if (data.ShapeMemo is { } memo && ReferenceEquals(memo.Value, data.Value) && memo.Decimals == decimals)
            {
                return memo.Fingerprint;
            }

            var fingerprint = ComputeFingerprint(data.Value, commands, decimals);
            data.ShapeMemo = (data.Value, decimals, fingerprint);
            return fingerprint;
        }

        private static long? ComputeFingerprint(string data, List<PathCommand> commands, int decimals)
        {
            if (!PathParser.TryParse(data, commands) || commands.Count < 2
                || !SvgNumber.TryScale(commands[0].X, decimals, out var originX) || !SvgNumber.TryScale(commands[0].Y, decimals, out var originY))
            {
                return null;
            }

            var hash = (ulong)decimals;
            foreach (var c in commands)
            {
                if (c.Digits > decimals || !SvgNumber.TryScale(c.X, decimals, out var x) || !SvgNumber.TryScale(c.Y, decimals, out var y))
                {
                    return null;
                }

                hash = (hash ^ c.Command) * 0x100000001B3UL;
                hash = (hash ^ (ulong)(x - originX)) * 0x100000001B3UL;
                hash = (hash ^ (ulong)(y - originY)) * 0x100000001B3UL;
            }

            return (long)hash;
        }

        /// <summary>Returns the characters the element takes when written.</summary>
        private static int Length(SvgElement path) => "<path/>".Length + path.Attributes.Sum(a => a.Name.Length + a.Value.Length + 4);

        /// <summary>Returns the shortest name no element uses yet (as cleanupIds would name it, so that it stays).</summary>
        private static string FreeId(HashSet<string> ids)
        {
            const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            for (var i = 0; ; i++)
            {
                var name = string.Empty;
                for (var index = i + 1; index > 0; index /= Alphabet.Length)
                {
                    index--;
                    name = Alphabet[index % Alphabet.Length] + name;
                }

                if (ids.Add(name))
                {
                    return name;
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
