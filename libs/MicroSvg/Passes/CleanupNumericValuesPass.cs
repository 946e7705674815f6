using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Rounds numbers and number lists to the precision of their coordinate space, drops the px unit
/// (SVG user units are px) and writes each number in its shortest form.
/// </summary>
internal sealed class CleanupNumericValuesPass : ISvgPass
{
    private const int RatioDecimals = 3;
    private const int OffsetDecimals = 5;

    public string Name => "cleanupNumericValues";

    public string Description => "Rounds numbers and lists (viewBox, points, dash arrays) to adaptive precision, drops px, writes shortest forms.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    /// <summary>Formats one length: number plus optional unit; null when it is not a length.</summary>
    private static string? FormatLength(string value, int decimals)
    {
        var v = value.Trim();
        var unitStart = v.Length;
        while (unitStart > 0 && (char.IsAsciiLetter(v[unitStart - 1]) || v[unitStart - 1] == '%'))
        {
            unitStart--;
        }

        var unit = v[unitStart..];
        if (unit.Length > 0 && unit is not ("px" or "%" or "em" or "ex" or "pt" or "pc" or "cm" or "mm" or "in"))
        {
            return null;
        }

        if (unitStart > 0 && v[unitStart - 1] is 'e' or 'E')
        {
            return null;
        }

        if (!SvgNumber.TryParse(v[..unitStart], out var number))
        {
            return null;
        }

        var formatted = SvgNumber.Format(number, unit is "px" or "" ? decimals : Math.Max(decimals, 3));
        return unit == "px" ? formatted : formatted + unit;
    }

    private static string? FormatList(string value, int decimals)
    {
        var numbers = NumberList.Parse(value.Replace("px", string.Empty, StringComparison.Ordinal));
        if (numbers is null || numbers.Count == 0 || value.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        // Renderers split these lists on separators (unlike path data), so every number gets a space.
        return string.Join(' ', numbers.Select(n => SvgNumber.Format(n, decimals)));
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject" || element.HasPrefix)
            {
                return false;
            }

            var decimals = -1;
            foreach (var attribute in element.Attributes)
            {
                var name = attribute.Name;
                string? result = null;
                if (SvgNames.RatioAttributes.Contains(name))
                {
                    result = FormatLength(attribute.Value, name == "offset" ? OffsetDecimals : RatioDecimals);
                    if (result is not null && name != "offset" && result.EndsWith('%'))
                    {
                        result = null;
                    }
                }
                else if (SvgNames.CoordinateAttributes.Contains(name) || name is "points" or "viewBox" or "stroke-dasharray")
                {
                    if (decimals < 0)
                    {
                        decimals = context.CoordinateDecimals(element);
                    }

                    // Geometry of gradients and patterns may be fractions of a bounding box: keep more digits.
                    var d = element.Name is "linearGradient" or "radialGradient" or "pattern" or "filter" or "mask" or "clipPath" ? decimals + 2 : decimals;
                    var isList = name is "points" or "viewBox" or "stroke-dasharray" || (element.Name is "text" or "tspan" && name is "x" or "y" or "dx" or "dy");
                    result = isList ? (attribute.Value.Trim() == "none" ? null : FormatList(attribute.Value, Math.Min(d, SvgMinifierOptions.MaxPrecision))) : FormatLength(attribute.Value, Math.Min(d, SvgMinifierOptions.MaxPrecision));
                }

                if (result is not null && result.Length <= attribute.Value.Length)
                {
                    context.Rewrite(attribute, result);
                }
            }

            return true;
        }
    }

}
