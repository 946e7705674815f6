using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Visits elements in document order. <see cref="Enter"/> may detach the element it is given;
/// <see cref="Exit"/> runs after all descendants and may change the element's own children.
/// </summary>
internal abstract class SvgVisitor
{
    /// <summary>
    /// The walk stack of this thread between walks: every pass walks every document, often twice. A
    /// walk started from inside another (none does today) finds it taken and makes its own.
    /// </summary>
    [ThreadStatic]
    private static Stack<(SvgElement Element, int Index)>? spareStack;

    /// <summary>Runs once before the walk; may change top-level nodes.</summary>
    public virtual void Begin(SvgDocument document)
    {
    }

    /// <summary>Visits an element before its children; returns false to skip the children.</summary>
    public virtual bool Enter(SvgElement element) => true;

    /// <summary>Visits an element after its children.</summary>
    public virtual void Exit(SvgElement element)
    {
    }

    /// <summary>Runs once after the walk.</summary>
    public virtual void End(SvgDocument document)
    {
    }

    /// <summary>Walks the document iteratively (deep trees cannot overflow the stack).</summary>
    public void Walk(SvgDocument document)
    {
        this.Begin(document);
        var root = document.Root;
        if (this.Enter(root))
        {
            var stack = spareStack ?? new Stack<(SvgElement Element, int Index)>();
            spareStack = null;
            stack.Clear();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (parent, index) = stack.Pop();
                if (index >= parent.Children.Count)
                {
                    this.Exit(parent);
                    if (stack.Count > 0)
                    {
                        var (grand, at) = stack.Pop();
                        stack.Push((grand, at < grand.Children.Count && ReferenceEquals(grand.Children[at], parent) ? at + 1 : at));
                    }

                    continue;
                }

                if (parent.Children[index] is not SvgElement child)
                {
                    stack.Push((parent, index + 1));
                    continue;
                }

                var descend = this.Enter(child);
                if (index >= parent.Children.Count || !ReferenceEquals(parent.Children[index], child))
                {
                    // The visitor removed or replaced the child: visit whatever now sits at this index.
                    stack.Push((parent, index));
                    continue;
                }

                if (descend && child.Children.Count > 0)
                {
                    stack.Push((parent, index));
                    stack.Push((child, 0));
                }
                else
                {
                    if (descend)
                    {
                        this.Exit(child);
                    }

                    stack.Push((parent, index < parent.Children.Count && ReferenceEquals(parent.Children[index], child) ? index + 1 : index));
                }
            }

            spareStack = stack;
        }

        this.End(document);
    }
}
