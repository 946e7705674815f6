using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Removes ids nothing references and renames the referenced ones to the shortest free names (most
/// referenced first), updating every reference. Skipped with KeepIds, style sheets or scripts, which
/// may reference ids in ways that cannot be followed.
/// </summary>
internal sealed class CleanupIdsPass : ISvgPass
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public string Name => "cleanupIds";

    public string Description => "Removes unreferenced ids and shortens referenced ones, updating url(#), href, xlink:href, ARIA and SMIL references.";

    public bool IsEnabled(SvgMinifierOptions options) => !options.KeepIds;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static string NameFor(int index)
    {
        var name = string.Empty;
        index++;
        while (index > 0)
        {
            index--;
            name = Alphabet[index % Alphabet.Length] + name;
            index /= Alphabet.Length;
        }

        return name;
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private readonly Dictionary<string, string> renames = new(StringComparer.Ordinal);
        private Dictionary<string, int> references = [];
        private bool skip;

        public override void Begin(SvgDocument document)
        {
            this.skip = context.HasStyleSheet || context.HasScript;
            if (this.skip)
            {
                return;
            }

            this.references = IdReferences.Count(document.Root);
            var defined = new Dictionary<string, SvgElement>(StringComparer.Ordinal);
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var element in document.Root.DescendantsAndSelf())
            {
                if (element.Get("id") is { } id)
                {
                    defined.TryAdd(id, element);

                    // Symbols and views are targets of links from other documents (sprites); their ids stay.
                    if (element.Name is "symbol" or "view" || element.IsWithin("foreignObject"))
                    {
                        kept.Add(id);
                    }
                }
            }

            var order = this.references.Keys.Where(id => defined.ContainsKey(id) && !kept.Contains(id))
                .OrderByDescending(id => this.references[id]).ThenBy(id => id, StringComparer.Ordinal).ToList();
            var next = 0;
            foreach (var id in order)
            {
                string name;
                do
                {
                    name = NameFor(next++);
                }
                while (kept.Contains(name) || (this.references.ContainsKey(name) && !defined.ContainsKey(name)));

                this.renames[id] = name;
            }
        }

        public override bool Enter(SvgElement element)
        {
            if (this.skip)
            {
                return false;
            }

            if (element.LocalName == "foreignObject")
            {
                return false;
            }

            foreach (var attribute in element.Attributes.ToArray())
            {
                if (attribute.Name == "id")
                {
                    if (this.renames.TryGetValue(attribute.Value, out var renamed))
                    {
                        context.Rewrite(attribute, renamed);
                    }
                    else if (!this.references.ContainsKey(attribute.Value) && element.Name is not ("symbol" or "view"))
                    {
                        context.RemoveAttribute(element, "id");
                    }

                    continue;
                }

                var rewritten = IdReferences.Rewrite(attribute.Name, attribute.Value, id => this.renames.GetValueOrDefault(id, id));
                context.Rewrite(attribute, rewritten);
            }

            return true;
        }
    }
}
