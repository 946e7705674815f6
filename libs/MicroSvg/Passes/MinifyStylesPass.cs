using MicroSvg.Css;
using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Minifies style sheets and style attributes, and turns style declarations into presentation
/// attributes where that is shorter and cannot change the cascade (no style sheet, no !important).
/// </summary>
internal sealed class MinifyStylesPass : ISvgPass
{
    public string Name => "minifyStyles";

    public string Description => "Minifies <style> and style=\"\"; converts declarations to presentation attributes when shorter and no style sheet exists.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject")
            {
                return false;
            }

            if (element.Name == "style")
            {
                this.MinifySheet(element);
                return false;
            }

            var style = element.Find("style");
            if (style is not null)
            {
                this.MinifyAttribute(element, style);
            }

            return true;
        }

        private void MinifySheet(SvgElement element)
        {
            if (element.Attributes.Any(a => a.Name == "type" && a.Value is not ("text/css" or "")))
            {
                return;
            }

            if (element.Children.Any(c => c is not SvgText))
            {
                return;
            }

            var css = string.Concat(element.Children.Cast<SvgText>().Select(t => t.Text));
            var minified = CssText.MinifySheet(css);
            if (minified is null)
            {
                return;
            }

            if (minified.Length == 0)
            {
                context.RemoveElement(element);
                return;
            }

            var needsCData = minified.Contains('<', StringComparison.Ordinal) || minified.Contains('&', StringComparison.Ordinal);
            if (element.Children.Count == 1 && element.Children[0] is SvgText only && only.Text == minified && only.IsCData == needsCData)
            {
                return;
            }

            element.Children.Clear();
            element.Append(new SvgText(minified, needsCData));
            context.CountRewritten();
        }

        private void MinifyAttribute(SvgElement element, SvgAttribute style)
        {
            var declarations = CssText.ParseDeclarations(style.Value);
            if (declarations is null)
            {
                return;
            }

            var kept = new List<CssDeclaration>();
            foreach (var d in declarations)
            {
                if (d.Property.StartsWith("-inkscape-", StringComparison.Ordinal))
                {
                    continue;
                }

                var value = SvgNames.ColorAttributes.Contains(d.Property) && !d.Value.Contains("url(", StringComparison.Ordinal) ? SvgColor.Minify(d.Value) : d.Value;

                // A later declaration of the same property wins unless an earlier one is important.
                var earlier = kept.FindIndex(k => k.Property == d.Property);
                if (earlier >= 0)
                {
                    if (kept[earlier].Important && !d.Important)
                    {
                        continue;
                    }

                    kept.RemoveAt(earlier);
                }

                kept.Add(d with { Value = value });
            }

            if (!context.HasStyleSheet && !context.HasAnimation)
            {
                var convertible = kept.Where(d => !d.Important && SvgNames.Presentation.Contains(d.Property) && d.Value != "inherit" && !d.Value.Contains("var(", StringComparison.Ordinal)).ToList();
                var remaining = kept.Except(convertible).ToList();
                var asStyle = CssText.WriteDeclarations(kept).Length + 8;
                var asAttributes = convertible.Sum(d => d.Property.Length + d.Value.Length + 4) + (remaining.Count > 0 ? CssText.WriteDeclarations(remaining).Length + 8 : 0);
                if (convertible.Count > 0 && asAttributes <= asStyle && convertible.All(d => !d.Value.Contains('"', StringComparison.Ordinal) || !d.Value.Contains('\'', StringComparison.Ordinal)))
                {
                    foreach (var d in convertible)
                    {
                        element.Set(d.Property, d.Value);
                    }

                    kept = remaining;
                }
            }

            if (kept.Count == 0)
            {
                context.RemoveAttribute(element, "style");
            }
            else
            {
                context.Rewrite(style, CssText.WriteDeclarations(kept));
            }
        }
    }
}
