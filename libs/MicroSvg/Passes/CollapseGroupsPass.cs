using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Removes groups that do nothing: a group without attributes is replaced by its children; a group
/// with one child hands it its inheritable attributes and transform when that is exact; the root's
/// only group hands the root its inheritable attributes.
/// </summary>
internal sealed class CollapseGroupsPass : ISvgPass
{
    public string Name => "collapseGroups";

    public string Description => "Unwraps attribute-less groups and moves attributes of single-child groups onto the child when exact.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element) => element.LocalName != "foreignObject" && !element.HasPrefix;

        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic || element.Name == "switch")
            {
                return;
            }

            for (var i = 0; i < element.Children.Count; i++)
            {
                if (element.Children[i] is not SvgElement { Name: "g" } group)
                {
                    continue;
                }

                if (group.Attributes.Count > 0)
                {
                    this.MoveToOnlyChild(group);
                }

                if (element.Parent is null && element.Name == "svg" && element.Children.Count == 1)
                {
                    MoveToRoot(element, group);
                }

                if (group.Attributes.Count == 0)
                {
                    element.Children.RemoveAt(i);
                    foreach (var child in group.Children)
                    {
                        child.Parent = element;
                    }

                    element.Children.InsertRange(i, group.Children);
                    context.CountRemovedNode();
                    i--;
                }
            }
        }

        private void MoveToOnlyChild(SvgElement group)
        {
            if (group.Children.Count != 1 || group.Children[0] is not SvgElement child || child.HasPrefix
                || SvgNames.Animation.Contains(child.Name) || SvgNames.NonRendering.Contains(child.Name) || child.Name is "style" or "script" or "title" or "desc" or "switch")
            {
                return;
            }

            // A referenced child would carry the group's attributes into every use of it.
            if (child.Has("id") || child.Has("style") || group.Has("style") || group.Has("id") || group.Has("class"))
            {
                return;
            }

            foreach (var attribute in group.Attributes)
            {
                var movable = SvgNames.Inheritable.Contains(attribute.Name) || attribute.Name == "transform"
                    || (attribute.Name == "opacity" && !child.Has("opacity"));
                if (!movable)
                {
                    return;
                }
            }

            // A nested svg or foreign content may not take a transform (SVG 1.1).
            if (group.Has("transform") && child.Name is "svg" or "foreignObject")
            {
                return;
            }

            foreach (var attribute in group.Attributes)
            {
                if (attribute.Name == "transform")
                {
                    var own = child.Get("transform");
                    child.Set("transform", own is null ? attribute.Value : attribute.Value + " " + own);
                    MoveToFront(child, "transform");
                }
                else if (!child.Has(attribute.Name))
                {
                    child.Attributes.Add(new SvgAttribute(attribute.Name, attribute.Value));
                }
            }

            context.CountRemovedAttribute(group.Attributes.Count);
            group.Attributes.Clear();
        }

        /// <summary>
        /// Moves the inheritable attributes of a group that is the root's only child onto the root: the
        /// group's content inherits them from the root instead, and nothing else does.
        /// </summary>
        private void MoveToRoot(SvgElement root, SvgElement group)
        {
            if (group.Has("id") || group.Has("class") || group.Has("style") || root.Has("style") || group.Attributes.Any(a => !SvgNames.Inheritable.Contains(a.Name)))
            {
                return;
            }

            foreach (var attribute in group.Attributes)
            {
                root.Set(attribute.Name, attribute.Value);
            }

            context.CountRemovedAttribute(group.Attributes.Count);
            group.Attributes.Clear();
        }

        private static void MoveToFront(SvgElement element, string name)
        {
            var attribute = element.Find(name)!;
            element.Attributes.Remove(attribute);
            element.Attributes.Insert(0, attribute);
        }
    }
}
