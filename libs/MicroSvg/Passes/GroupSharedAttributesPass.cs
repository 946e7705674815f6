using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Wraps a run of consecutive siblings that set the same inheritable presentation attributes to the
/// same values in a new group carrying them once, where that is shorter. Exact: each element inherits
/// from the group the value it had set itself, and the other members of the run are shapes the value
/// cannot affect (they set the property themselves, or it refines a fill or stroke they do not paint). Skipped with style sheets, scripts and animations (a
/// selector or script could tell the structure apart), for elements with an id (a use would render them
/// without the group), inside elements that only allow certain children (clipPath, text, switch), and
/// in a transformed group of plain fills (Svg.Skia draws those through a path of its own). Equal
/// transforms move too, to a group that does not consist of plain fills only. A run of all the children
/// of a plain group gives the group its attributes instead of adding one.
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
        private bool MayBeDrawnAsPlainFills(SvgElement element, bool assumeTransform = false) =>
            element.Name is "g" or "svg" && (assumeTransform || element.Has("transform")) && element.ChildElements.All(c => SvgNames.Shapes.Contains(c.Name) && !context.MayStroke(c));

        private void Group(SvgElement parent)
        {
            var children = parent.Children;

            // Up to this many children, the best run anywhere goes first; beyond, runs are taken left to
            // right, which keeps the pass linear in practice on huge groups.
            const int MaxGlobalSearch = 32;
            var i = 0;
            while (i < children.Count)
            {
                var (start, end, saving, shared) = (i, i, 0, (List<SvgAttribute>?)null);
                if (children.Count <= MaxGlobalSearch)
                {
                    for (var k = 0; k < children.Count; k++)
                    {
                        var run = this.BestRun(parent, k);
                        if (run.Saving > saving)
                        {
                            (start, end, saving, shared) = (k, run.End, run.Saving, run.Shared);
                        }
                    }

                    if (saving <= 0)
                    {
                        return;
                    }
                }
                else
                {
                    (end, saving, shared) = this.BestRun(parent, i);
                    if (saving <= 0)
                    {
                        i++;
                        continue;
                    }
                }

                this.Apply(parent, start, end, shared!);

                // The new group may now share attributes with the sibling before it.
                i = Math.Max(0, start - 1);
            }
        }

        /// <summary>Returns the run starting at <paramref name="i"/> that saves most, with what it saves and the attributes it shares.</summary>
        private (int End, int Saving, List<SvgAttribute> Shared) BestRun(SvgElement parent, int i)
        {
            var children = parent.Children;
            if (!IsCandidate(children[i]))
            {
                return (i, 0, []);
            }

            var shared = ((SvgElement)children[i]).Attributes.Where(IsShareable).ToList();
            var counts = new int[shared.Count];
            Array.Fill(counts, 1);
            var (bestEnd, bestSaving, bestShared) = (i, 0, shared);
            var alive = shared.Count;
            for (var j = i + 1; j < children.Count && alive > 0 && IsCandidate(children[j]); j++)
            {
                var next = (SvgElement)children[j];

                // A member either sets the value too, or is indifferent to it: it sets its own, or
                // does not paint what the property is about. Paints first: the others depend on them.
                for (var round = 0; round < 2; round++)
                {
                    for (var k = 0; k < shared.Count; k++)
                    {
                        var attribute = shared[k];
                        if (counts[k] == 0 || IsPaint(attribute.Name) != (round == 0))
                        {
                            continue;
                        }

                        if (next.Get(attribute.Name) == attribute.Value)
                        {
                            counts[k]++;
                        }
                        else if (!IsIndifferent(parent, next, attribute.Name, shared, counts))
                        {
                            counts[k] = 0;
                            alive--;
                        }
                    }
                }

                var saving = 0;
                var hasTransform = false;
                for (var k = 0; k < shared.Count; k++)
                {
                    if (counts[k] > 0)
                    {
                        saving += Cost(shared[k]) * (counts[k] - 1);
                        hasTransform |= shared[k].Name == "transform";
                    }
                }

                // A run of all the children of a plain group can give the group its attributes.
                if (saving - GroupChars > bestSaving || (i == 0 && j == children.Count - 1 && saving > bestSaving))
                {
                    var current = shared.Where((_, k) => counts[k] > 0).ToList();
                    saving -= i == 0 && j == children.Count - 1 && this.CanTake(parent, current) ? 0 : GroupChars;
                    if (saving > bestSaving && (!hasTransform || this.KeepsOwnDrawing(children, i, j)))
                    {
                        (bestEnd, bestSaving, bestShared) = (j, saving, current);
                    }
                }
            }

            return (bestEnd, bestSaving, bestShared);
        }

        /// <summary>Moves the shared attributes of the run to its parent (a run of all its children) or to a new group around it.</summary>
        private void Apply(SvgElement parent, int start, int end, List<SvgAttribute> shared)
        {
            var children = parent.Children;
            context.CountRewritten();
            if (start == 0 && end == children.Count - 1 && this.CanTake(parent, shared))
            {
                foreach (var attribute in shared)
                {
                    parent.Set(attribute.Name, attribute.Value);
                    foreach (var member in children.Cast<SvgElement>().Where(m => m.Get(attribute.Name) == attribute.Value))
                    {
                        member.Remove(attribute.Name);
                    }
                }

                return;
            }

            var group = new SvgElement("g") { Parent = parent };
            group.Attributes.AddRange(shared.Select(a => new SvgAttribute(a.Name, a.Value)));
            for (var k = start; k <= end; k++)
            {
                var member = (SvgElement)children[k];
                foreach (var attribute in shared)
                {
                    if (member.Get(attribute.Name) == attribute.Value)
                    {
                        member.Remove(attribute.Name);
                    }
                }

                group.Append(member);
            }

            children.RemoveRange(start, end - start + 1);
            children.Insert(start, group);
            this.Group(group);
        }

        private static bool IsPaint(string name) => name is "fill" or "stroke";

        /// <summary>
        /// Returns whether an attribute can move to a group: an inheritable property (markers aside), or a
        /// transform, which a group applies to its content as the element applied it to itself.
        /// </summary>
        private static bool IsShareable(SvgAttribute attribute) =>
            (SvgNames.Inheritable.Contains(attribute.Name) && !attribute.Name.StartsWith("marker", StringComparison.Ordinal) && attribute.Value != "inherit")
            || attribute.Name == "transform";

        /// <summary>
        /// Returns whether the parent can take the attributes of a run of all its children itself: a plain
        /// group (not referenced or styled), and for a transform, one without its own; or the root, for
        /// inheritable attributes.
        /// </summary>
        private bool CanTake(SvgElement parent, List<SvgAttribute> shared) =>
            (parent.Name == "g" || (parent.Parent is null && parent.Name == "svg" && !shared.Any(a => a.Name == "transform")))
            && !parent.Has("id") && !parent.Has("class") && !parent.Has("style")
            && parent.Children.All(c => c is SvgElement) && !(shared.Any(a => a.Name == "transform") && parent.Has("transform"))
            && !(shared.Any(a => a.Name == "transform") && this.MayBeDrawnAsPlainFills(parent, assumeTransform: true));

        /// <summary>
        /// Returns whether a transformed group around the run would still draw its members one by one:
        /// Svg.Skia pre-transforms the children of a transformed group that are all plain fills.
        /// </summary>
        private bool KeepsOwnDrawing(List<SvgNode> children, int first, int last)
        {
            var mixed = false;
            for (var k = first; k <= last; k++)
            {
                if (children[k] is not SvgElement member)
                {
                    continue;
                }

                // A member that is itself a transformed group of plain fills would lose that drawing.
                if (this.MayBeDrawnAsPlainFills(member))
                {
                    return false;
                }

                mixed |= !SvgNames.Shapes.Contains(member.Name) || context.MayStroke(member);
            }

            return mixed;
        }

        /// <summary>
        /// Returns whether a shape renders the same whether or not it inherits <paramref name="name"/> from
        /// a new group setting <paramref name="shared"/>: it sets the property itself, or the property
        /// refines a fill or stroke that the shape does not paint.
        /// </summary>
        private static bool IsIndifferent(SvgElement parent, SvgElement element, string name, List<SvgAttribute> shared, int[] counts)
        {
            // A transform is not inherited: a group's composes with the member's own.
            if (!SvgNames.Inheritable.Contains(name))
            {
                return false;
            }

            // Its own value hides the group's from the element and everything it draws.
            if (element.Get(name) is { } own)
            {
                return own != "inherit";
            }

            if (!SvgNames.Shapes.Contains(element.Name) || element.Children.Count > 0)
            {
                return false;
            }

            var paint = name.StartsWith("stroke", StringComparison.Ordinal) ? "stroke" : name.StartsWith("fill", StringComparison.Ordinal) ? "fill" : null;
            if (paint is null || paint == name)
            {
                return false;
            }

            // The paint the shape ends up with: its own, or what the parent passes down when the group
            // leaves the paint alone (and no use could render the shape with other inherited values).
            var effective = element.Get(paint);
            if (effective is null)
            {
                if (shared.Where((_, k) => counts[k] > 0).Any(a => a.Name == paint) || SvgPassContext.MayBeReused(element))
                {
                    return false;
                }

                effective = SvgPassContext.GetInherited(parent, paint) ?? (paint == "fill" ? "black" : "none");
            }

            return effective == "none";
        }

        private static bool IsCandidate(SvgNode node) =>
            node is SvgElement element && Groupable.Contains(element.Name) && !element.Has("id") && !element.Has("style") && !element.Has("class");
    }
}
