using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Converts line, polyline and polygon to an equivalent path when the result
/// is shorter. The path starts where the shape starts and runs the same way, so dashes are unchanged;
/// skipped when markers, style sheets or animations exist.
/// </summary>
internal sealed class ConvertShapesToPathPass : ISvgPass
{
    public string Name => "convertShapeToPath";

    public string Description => "Converts line, polyline and polygon to <path> when shorter (rect stays: its anti-aliasing differs); never with markers, style sheets or animations.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static string Attr(string name, string value) => $" {name}=\"{value}\"";

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers || element.LocalName == "foreignObject")
            {
                return false;
            }

            var (commands, consumed) = element.Name switch
            {
                // Renderers fill rectangles with exact-area anti-aliasing and paths with a scan converter, so
                // edge pixels would differ: rect stays a rect.
                "line" => Line(element),
                "polyline" => Poly(element, close: false),
                "polygon" => Poly(element, close: true),
                _ => (null, []),
            };
            if (commands is null)
            {
                return true;
            }

            var decimals = context.CoordinateDecimals(element);
            var d = PathOptimizer.Optimize(commands, decimals, PathOptimizer.Allowances.None);
            if (d is null)
            {
                return true;
            }

            var before = consumed.Sum(name => element.Get(name) is { } v ? Attr(name, v).Length : 0) + element.Name.Length * 2;
            var after = Attr("d", d).Length + ("path".Length * 2);
            if (after < before)
            {
                foreach (var name in consumed)
                {
                    element.Remove(name);
                }

                element.Name = "path";
                element.Attributes.Add(new SvgAttribute("d", d));
                context.CountRewritten();
            }

            return true;
        }

        private static (List<PathCommand>?, string[]) Line(SvgElement e)
        {
            string[] names = ["x1", "y1", "x2", "y2"];
            var x1 = Length(e, "x1");
            var y1 = Length(e, "y1");
            var x2 = Length(e, "x2");
            var y2 = Length(e, "y2");
            if (x1 is null || y1 is null || x2 is null || y2 is null)
            {
                return (null, names);
            }

            return ([Move(x1.Value, y1.Value), LineTo(x2.Value, y2.Value)], names);
        }

        private static (List<PathCommand>?, string[]) Poly(SvgElement e, bool close)
        {
            string[] names = ["points"];
            var numbers = e.Get("points") is { } points ? NumberList.Parse(points) : null;
            if (numbers is null || numbers.Count < 4 || numbers.Count % 2 != 0)
            {
                return (null, names);
            }

            var commands = new List<PathCommand> { Move(numbers[0], numbers[1]) };
            for (var i = 2; i < numbers.Count; i += 2)
            {
                commands.Add(LineTo(numbers[i], numbers[i + 1]));
            }

            if (close)
            {
                commands.Add(Close(numbers[0], numbers[1]));
            }

            return (commands, names);
        }

        private static double? Length(SvgElement e, string name, bool required = false)
        {
            var value = e.Get(name);
            if (value is null)
            {
                return required ? null : 0;
            }

            return NumberList.ParseLength(value);
        }

        private static PathCommand Move(double x, double y) => new() { Command = 'M', X = x, Y = y };

        private static PathCommand LineTo(double x, double y) => new() { Command = 'L', X = x, Y = y };

        private static PathCommand Close(double x, double y) => new() { Command = 'Z', X = x, Y = y };
    }
}
