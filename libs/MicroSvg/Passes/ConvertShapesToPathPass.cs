using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Converts rect (square corners), line, polyline and polygon to an equivalent path when the result
/// is shorter. The path starts where the shape starts and runs the same way, so dashes are unchanged;
/// skipped when markers, style sheets or animations exist.
/// </summary>
internal sealed class ConvertShapesToPathPass : ISvgPass
{
    public string Name => "convertShapeToPath";

    public string Description => "Converts rect, line, polyline and polygon to <path> when shorter; never with markers, style sheets or animations.";

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
                "rect" => Rect(element),
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

        private static (List<PathCommand>?, string[]) Rect(SvgElement e)
        {
            string[] names = ["x", "y", "width", "height", "rx", "ry"];
            if ((e.Get("rx") is { } rx && NumberList.ParseLength(rx) != 0) || (e.Get("ry") is { } ry && NumberList.ParseLength(ry) != 0))
            {
                return (null, names);
            }

            var x = Length(e, "x");
            var y = Length(e, "y");
            var w = Length(e, "width", required: true);
            var h = Length(e, "height", required: true);
            if (x is null || y is null || w is not > 0 || h is not > 0)
            {
                return (null, names);
            }

            return ([Move(x.Value, y.Value), LineTo(x.Value + w.Value, y.Value), LineTo(x.Value + w.Value, y.Value + h.Value), LineTo(x.Value, y.Value + h.Value), Close(x.Value, y.Value)], names);
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
