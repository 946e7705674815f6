using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Wraps a run of consecutive siblings that set the same inheritable presentation attributes to the
/// same values in a new group carrying them once, where that is shorter. Exact: each element inherits
/// from the group the value it had set itself. Skipped with style sheets, scripts and animations (a
/// selector or script could tell the structure apart), for elements with an id (a use would render them
/// without the group), inside elements that only allow certain children (clipPath, text, switch), and
/// in a transformed group of plain fills (Svg.Skia draws those through a path of its own).
/// </summary>
internal sealed class GroupSharedAttributesPass : ISvgPass
{
    /// <summary>What the new group costs: <c>&lt;g&gt;</c> and <c>&lt;/g&gt;</c>.</summary>
    private const int GroupChars = 7;

    /// <summary>Elements that may be wrapped.</summary>
    private static readonly HashSet<string> Groupable = new(SvgNames.Shapes, StringComparer.Ordinal) { "g", "use", "text", "image" };

    public string Name => "groupSharedAttributes";

    public string Description => "Wraps consecutive siblings sharing inheritable attributes in a new group that sets them once.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    /// <summary>Returns the characters an attribute takes: a space, the name, <c>="</c>, the value and <c>"</c>.</summary>
    private static int Cost(SvgAttribute attribute) => attribute.Name.Length + attribute.Value.Length + 4;

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element) => element.LocalName != "foreignObject" && !element.HasPrefix;

        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers || element.Name is "clipPath" or "text" or "switch" || element.IsWithin("clipPath") || element.IsWithin("switch") || this.MayBeDrawnAsPlainFills(element))
            {
                return;
            }

            this.Group(element);
        }

        /// <summary>
        /// Svg.Skia draws a transformed element whose children are all plain, unstroked fills by
        /// transforming their points itself; a new group among those children would end that.
        /// </summary>
        private bool MayBeDrawnAsPlainFills(SvgElement element) =>
            element.Has("transform") && element.ChildElements.All(c => SvgNames.Shapes.Contains(c.Name) && !context.MayStroke(c));

        private void Group(SvgElement parent)
        {
            var children = parent.Children;
            var i = 0;
            while (i < children.Count)
            {
                if (!IsCandidate(children[i]))
                {
                    i++;
                    continue;
                }

                var first = (SvgElement)children[i];
                var shared = first.Attributes.Where(a => SvgNames.Inheritable.Contains(a.Name) && !a.Name.StartsWith("marker", StringComparison.Ordinal)).ToList();
                var (bestEnd, bestSaving, bestShared) = (i, 0, shared);
                for (var j = i + 1; j < children.Count && shared.Count > 0 && IsCandidate(children[j]); j++)
                {
                    var next = (SvgElement)children[j];
                    shared = shared.Where(a => next.Get(a.Name) == a.Value).ToList();
                    var saving = (shared.Sum(Cost) * (j - i)) - GroupChars;
                    if (saving > bestSaving)
                    {
                        (bestEnd, bestSaving, bestShared) = (j, saving, shared);
                    }
                }

                if (bestSaving <= 0)
                {
                    i++;
                    continue;
                }

                var group = new SvgElement("g") { Parent = parent };
                group.Attributes.AddRange(bestShared.Select(a => new SvgAttribute(a.Name, a.Value)));
                for (var k = i; k <= bestEnd; k++)
                {
                    var member = (SvgElement)children[k];
                    foreach (var attribute in bestShared)
                    {
                        member.Remove(attribute.Name);
                    }

                    group.Append(member);
                }

                context.CountRemovedAttribute((bestShared.Count * (bestEnd - i + 1)) - bestShared.Count);
                children.RemoveRange(i, bestEnd - i + 1);
                children.Insert(i, group);
                this.Group(group);

                // The new group may now share attributes with the sibling before it.
                i = Math.Max(0, i - 1);
            }
        }

        private static bool IsCandidate(SvgNode node) =>
            node is SvgElement element && Groupable.Contains(element.Name) && !element.Has("id") && !element.Has("style") && !element.Has("class");
    }
}
