using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Writes <c>xlink:href</c> as the SVG 2 <c>href</c>, after which the unused xlink namespace
/// declaration goes too. Skipped with <see cref="SvgMinifierOptions.KeepXlink"/> (for SVG 1.1
/// renderers), with scripts or style sheets (which may look the attribute up by namespace), where an
/// element already has both, and where the xlink prefix is bound anywhere but on the root.
/// </summary>
internal sealed class ConvertXlinkHrefPass : ISvgPass
{
    private const string XlinkNamespace = "http://www.w3.org/1999/xlink";

    public string Name => "convertXlinkHref";

    public string Description => "Renames xlink:href to href (SVG 2) unless KeepXlink is set; skipped with scripts, style sheets or a rebound xlink prefix.";

    public bool IsEnabled(SvgMinifierOptions options) => !options.KeepXlink;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private bool skip;

        public override void Begin(SvgDocument document)
        {
            var root = document.Root;
            this.skip = context.HasScript || context.HasStyleSheet || root.Get("xmlns:xlink") != XlinkNamespace;
            if (!this.skip)
            {
                foreach (var element in root.DescendantsAndSelf())
                {
                    if (element != root && element.Has("xmlns:xlink"))
                    {
                        this.skip = true;
                        break;
                    }
                }
            }
        }

        public override bool Enter(SvgElement element)
        {
            if (this.skip || element.LocalName == "foreignObject")
            {
                return false;
            }

            if (element.Find("xlink:href") is { } link && !element.Has("href"))
            {
                link.Name = "href";
                context.CountRewritten();
            }

            return true;
        }
    }
}
