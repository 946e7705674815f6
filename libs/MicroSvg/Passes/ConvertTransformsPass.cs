using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>Collapses transform lists into one matrix written in its shortest form; removes identity transforms.</summary>
internal sealed class ConvertTransformsPass : ISvgPass
{
    public string Name => "convertTransform";

    public string Description => "Multiplies transform lists into one, written as the shortest of translate/scale/rotate/matrix; removes identities.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject" || element.HasPrefix)
            {
                return false;
            }

            foreach (var attribute in element.Attributes.ToArray())
            {
                if (attribute.Name is not ("transform" or "gradientTransform" or "patternTransform"))
                {
                    continue;
                }

                if (!TransformList.TryParse(attribute.Value, out var matrix))
                {
                    continue;
                }

                if (matrix.IsIdentity)
                {
                    context.RemoveAttribute(element, attribute.Name);
                    continue;
                }

                var decimals = context.CoordinateDecimals(element, includeOwnTransform: false);
                if (attribute.Name != "transform")
                {
                    decimals += 2;
                }

                // Factors multiply coordinates as large as the image, so they keep more digits than translations.
                var factorDecimals = Math.Clamp(decimals + (int)Math.Ceiling(Math.Log10(Math.Max(10, context.ViewBoxSize))) + 1, 3, SvgMinifierOptions.MaxPrecision);
                var formatted = TransformList.Format(matrix, Math.Clamp(decimals, 0, SvgMinifierOptions.MaxPrecision), factorDecimals);
                if (formatted.Length == 0)
                {
                    context.RemoveAttribute(element, attribute.Name);
                }
                else if (formatted.Length < attribute.Value.Length)
                {
                    context.Rewrite(attribute, formatted);
                }
            }

            return true;
        }
    }
}
