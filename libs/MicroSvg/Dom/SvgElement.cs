namespace MicroSvg.Dom;

/// <summary>An element with attributes in source order and child nodes.</summary>
internal sealed class SvgElement(string name) : SvgNode
{
    private string name = name;
    private string? localName;

    /// <summary>Gets or sets the qualified name.</summary>
    public string Name
    {
        get => this.name;
        set => (this.name, this.localName) = (value, null);
    }

    /// <summary>Gets the attributes in source order.</summary>
    public List<SvgAttribute> Attributes { get; } = [];

    /// <summary>Gets the child nodes.</summary>
    public List<SvgNode> Children { get; } = [];

    /// <summary>Gets the local name (after any prefix).</summary>
    /// <remarks>Kept until the name changes: passes ask for it on every visit.</remarks>
    public string LocalName => this.localName ??= LocalPart(this.name);

    /// <summary>Gets a value indicating whether the element has a namespace prefix.</summary>
    public bool HasPrefix => !ReferenceEquals(this.LocalName, this.name);

    /// <summary>Gets the child elements.</summary>
    public IEnumerable<SvgElement> ChildElements
    {
        get
        {
            foreach (var child in this.Children)
            {
                if (child is SvgElement element)
                {
                    yield return element;
                }
            }
        }
    }

    /// <summary>Returns the attribute value or null.</summary>
    public string? Get(string attributeName) => this.Find(attributeName)?.Value;

    /// <summary>Returns the attribute or null.</summary>
    public SvgAttribute? Find(string attributeName)
    {
        var index = this.IndexOf(attributeName);
        return index < 0 ? null : this.Attributes[index];
    }

    /// <summary>Returns whether the attribute is present.</summary>
    public bool Has(string attributeName) => this.Find(attributeName) is not null;

    /// <summary>Sets the value, appending the attribute when missing.</summary>
    public void Set(string attributeName, string value)
    {
        var attribute = this.Find(attributeName);
        if (attribute is null)
        {
            this.Attributes.Add(new SvgAttribute(attributeName, value));
        }
        else
        {
            attribute.Value = value;
        }
    }

    /// <summary>Removes the attribute; returns whether it was present.</summary>
    public bool Remove(string attributeName)
    {
        var index = this.IndexOf(attributeName);
        if (index < 0)
        {
            return false;
        }

        this.Attributes.RemoveAt(index);
        return true;
    }

    /// <summary>Appends a child and sets its parent.</summary>
    public void Append(SvgNode child)
    {
        child.Parent = this;
        this.Children.Add(child);
    }

    /// <summary>Detaches this element from its parent.</summary>
    public void Detach()
    {
        if (this.Parent is { } parent)
        {
            parent.Children.Remove(this);
            this.Parent = null;
        }
    }

    /// <summary>Returns whether any ancestor or this element has the given local name.</summary>
    public bool IsWithin(string localName)
    {
        for (var e = this; e is not null; e = e.Parent)
        {
            if (e.Name == localName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Enumerates this element and all descendant elements in document order.</summary>
    public IEnumerable<SvgElement> DescendantsAndSelf()
    {
        var stack = new Stack<SvgElement>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var element = stack.Pop();
            yield return element;
            for (var i = element.Children.Count - 1; i >= 0; i--)
            {
                if (element.Children[i] is SvgElement child)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>Returns the position of the attribute, or -1.</summary>
    /// <remarks>
    /// Every pass looks attributes up many times per element: an indexed loop over the list's storage
    /// avoids the enumerator, and names read by the parser are mostly the same instances as the
    /// literals passes ask for, so most comparisons end at the reference check.
    /// </remarks>
    private int IndexOf(string attributeName)
    {
        var attributes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(this.Attributes);
        for (var i = 0; i < attributes.Length; i++)
        {
            if (string.Equals(attributes[i].Name, attributeName))
            {
                return i;
            }
        }

        return -1;
    }

    private static string LocalPart(string qualifiedName)
    {
        var colon = qualifiedName.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? qualifiedName : qualifiedName[(colon + 1)..];
    }
}
