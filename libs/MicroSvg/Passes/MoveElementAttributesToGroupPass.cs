using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Moves an inheritable presentation attribute that every child of a group has with the same value
/// onto the group. Exact because each child inherits the value it had set itself; skipped with style
/// sheets (a rule could target the group) and animations.
/// </summary>
internal sealed class MoveElementAttributesToGroupPass : ISvgPass
{
    public string Name => "moveElemsAttrsToGroup";

    public string Description => "Moves inheritable attributes shared by all children of a <g> onto the group.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic || element.Name != "g" || element.IsWithin("clipPath") || element.IsWithin("switch"))
            {
                return;
            }

            var children = element.Children;
            if (children.Count < 2 || children.Any(c => c is not SvgElement))
            {
                return;
            }

            var first = (SvgElement)children[0];
            foreach (var attribute in first.Attributes.ToArray())
            {
                if (!SvgNames.Inheritable.Contains(attribute.Name))
                {
                    continue;
                }

                var shared = true;
                foreach (var child in children.Cast<SvgElement>())
                {
                    if (child.Get(attribute.Name) != attribute.Value || child.Has("style") || SvgNames.Animation.Contains(child.Name) || child.HasPrefix)
                    {
                        shared = false;
                        break;
                    }
                }

                if (!shared)
                {
                    continue;
                }

                element.Set(attribute.Name, attribute.Value);
                foreach (var child in children.Cast<SvgElement>())
                {
                    context.RemoveAttribute(child, attribute.Name);
                }
            }
        }
    }
}
