using System.Text;

namespace MicroSvg.Css;

/// <summary>A small, conservative CSS reader and writer for <c>style</c> attributes and elements.</summary>
internal static class CssText
{
    /// <summary>
    /// Parses a declaration block; returns null when it contains anything unusual (comments, strings
    /// with escapes, unbalanced brackets), so callers leave such styles alone.
    /// </summary>
    public static List<CssDeclaration>? ParseDeclarations(string block)
    {
        var result = new List<CssDeclaration>();
        foreach (var part in Split(block, ';'))
        {
            if (part is null)
            {
                return null;
            }

            var text = part.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            var property = text[..colon].Trim();
            var value = text[(colon + 1)..].Trim();
            var important = false;
            var bang = value.LastIndexOf('!');
            if (bang >= 0)
            {
                if (!value[(bang + 1)..].Trim().Equals("important", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                important = true;
                value = value[..bang].Trim();
            }

            if (property.Length == 0 || value.Length == 0 || !IsIdentifier(property))
            {
                return null;
            }

            result.Add(new CssDeclaration(property.StartsWith("--", StringComparison.Ordinal) ? property : property.ToLowerInvariant(), CollapseWhitespace(value), important));
        }

        return result;
    }

    /// <summary>Writes declarations compactly.</summary>
    public static string WriteDeclarations(IEnumerable<CssDeclaration> declarations)
    {
        var sb = new StringBuilder();
        foreach (var d in declarations)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(d.Property).Append(':').Append(d.Value);
            if (d.Important)
            {
                sb.Append("!important");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Minifies a style sheet: removes comments and insignificant whitespace and the last semicolon of
    /// each block; strings are kept verbatim. Returns null when the sheet cannot be read safely.
    /// </summary>
    public static string? MinifySheet(string css)
    {
        var sb = new StringBuilder(css.Length);
        var i = 0;
        var pendingSpace = false;
        while (i < css.Length)
        {
            var c = css[i];
            if (c == '/' && i + 1 < css.Length && css[i + 1] == '*')
            {
                var end = css.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return null;
                }

                // A legal comment (/*! ... */) is kept.
                if (i + 2 < css.Length && css[i + 2] == '!')
                {
                    sb.Append(css, i, end + 2 - i);
                }

                pendingSpace = true;
                i = end + 2;
                continue;
            }

            if (c is '"' or '\'')
            {
                var end = i + 1;
                while (end < css.Length && css[end] != c)
                {
                    end += css[end] == '\\' ? 2 : 1;
                }

                if (end >= css.Length)
                {
                    return null;
                }

                FlushSpace(sb, ref pendingSpace, c);
                sb.Append(css, i, end + 1 - i);
                i = end + 1;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                i++;
                continue;
            }

            if (c == '}' && sb.Length > 0 && sb[^1] == ';')
            {
                sb.Length--;
            }

            if (c == ':' && IsDeclarationColon(css, i))
            {
                pendingSpace = false;
            }

            FlushSpace(sb, ref pendingSpace, c);
            if (c == ':' && IsDeclarationColon(css, i))
            {
                sb.Append(':');
                i++;
                while (i < css.Length && char.IsWhiteSpace(css[i]))
                {
                    i++;
                }

                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static void FlushSpace(StringBuilder sb, ref bool pendingSpace, char next)
    {
        if (pendingSpace && sb.Length > 0 && "{};,>".IndexOf(sb[^1], StringComparison.Ordinal) < 0 && "{};,>!".IndexOf(next, StringComparison.Ordinal) < 0
            && !(sb[^1] == ':' && IsInsideBlock(sb)))
        {
            sb.Append(' ');
        }

        pendingSpace = false;
    }

    private static bool IsInsideBlock(StringBuilder sb)
    {
        for (var i = sb.Length - 1; i >= 0; i--)
        {
            if (sb[i] == '{')
            {
                return true;
            }

            if (sb[i] == '}')
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>A colon belongs to a declaration when the next of '{', ';' and '}' is not '{'.</summary>
    private static bool IsDeclarationColon(string css, int at)
    {
        var next = css.IndexOfAny(['{', ';', '}'], at);
        return next >= 0 && css[next] != '{';
    }

    private static string CollapseWhitespace(string value)
    {
        if (!value.Any(char.IsWhiteSpace))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && sb.Length > 0 && c != ',' && sb[^1] != ',')
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c);
        }

        return sb.ToString();
    }

    private static bool IsIdentifier(string s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Splits on a separator outside strings and brackets; yields null on anything unsafe.</summary>
    private static IEnumerable<string?> Split(string text, char separator)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var close = text.IndexOf(c, i + 1);
                if (close < 0)
                {
                    yield return null;
                    yield break;
                }

                i = close;
                continue;
            }

            if (c == '\\' || (c == '/' && i + 1 < text.Length && text[i + 1] == '*'))
            {
                yield return null;
                yield break;
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
                if (depth < 0)
                {
                    yield return null;
                    yield break;
                }
            }
            else if (c == separator && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (depth != 0)
        {
            yield return null;
            yield break;
        }

        yield return text[start..];
    }
}
