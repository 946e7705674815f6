using System.Text;
using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Finds every place an id is referenced: <c>url(#id)</c> in any attribute or style, <c>href</c> and
/// <c>xlink:href</c> fragments, ARIA id lists and SMIL <c>begin</c>/<c>end</c> event references, and
/// rewrites them consistently.
/// </summary>
internal static class IdReferences
{
    private static readonly HashSet<string> AriaIdLists = new(StringComparer.Ordinal)
    {
        "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-flowto", "aria-activedescendant", "aria-details", "aria-errormessage",
    };

    /// <summary>Counts references per id.</summary>
    public static Dictionary<string, int> Count(SvgElement root)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        // One delegate for the whole walk, not one per attribute.
        Func<string, string> count = id =>
        {
            counts[id] = counts.GetValueOrDefault(id) + 1;
            return id;
        };
        foreach (var element in root.DescendantsAndSelf())
        {
            foreach (var attribute in element.Attributes)
            {
                Rewrite(attribute.Name, attribute.Value, count);
            }
        }

        return counts;
    }

    /// <summary>Returns the value with every referenced id passed through <paramref name="map"/>.</summary>
    public static string Rewrite(string name, string value, Func<string, string> map)
    {
        if (name is "href" or "xlink:href")
        {
            return value.StartsWith('#') && value.Length > 1 ? "#" + map(value[1..]) : value;
        }

        if (AriaIdLists.Contains(name))
        {
            return string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(map));
        }

        if (name is "begin" or "end")
        {
            return string.Join(';', value.Split(';').Select(part => RewriteTiming(part, map)));
        }

        return value.Contains("url(", StringComparison.Ordinal) ? RewriteUrls(value, map) : value;
    }

    private static string RewriteTiming(string part, Func<string, string> map)
    {
        var trimmed = part.Trim();
        var dot = trimmed.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || char.IsAsciiDigit(trimmed[0]) || trimmed[0] is '+' or '-' or '.')
        {
            return part;
        }

        // The id is everything before the first dot; the event name follows.
        return map(trimmed[..dot]) + trimmed[dot..];
    }

    private static string RewriteUrls(string value, Func<string, string> map)
    {
        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (true)
        {
            var start = value.IndexOf("url(", i, StringComparison.Ordinal);
            if (start < 0)
            {
                sb.Append(value, i, value.Length - i);
                return sb.ToString();
            }

            var end = value.IndexOf(')', start);
            if (end < 0)
            {
                sb.Append(value, i, value.Length - i);
                return sb.ToString();
            }

            sb.Append(value, i, start - i);
            var inner = value[(start + 4)..end].Trim();
            var quote = inner.Length >= 2 && inner[0] is '"' or '\'' && inner[^1] == inner[0] ? inner[0].ToString() : string.Empty;
            var target = quote.Length > 0 ? inner[1..^1] : inner;
            if (target.StartsWith('#') && target.Length > 1)
            {
                sb.Append("url(#").Append(map(target[1..])).Append(')');
            }
            else
            {
                sb.Append(value, start, end + 1 - start);
            }

            i = end + 1;
        }
    }
}
