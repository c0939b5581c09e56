using System.Globalization;
using System.Text;

namespace Palisade.Core.Text;

/// <summary>
/// Text that came from a client (paths, headers, comments, usernames) may carry CR, LF, ESC and other control or
/// bidirectional-override characters. Written raw to a log they forge or recolour lines; printed raw to a terminal they
/// retitle it or hide output. <see cref="Escape"/> makes them visible (for logs); <see cref="Strip"/> removes them (for
/// people reading a terminal).
/// </summary>
public static class ControlCharacters
{
    /// <summary>True for C0 and C1 controls, DEL, the Unicode line/paragraph separators and the bidi controls.</summary>
    public static bool IsUnsafe(char c)
        => c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' || c is >= '\u202a' and <= '\u202e'
            || c is >= '\u2066' and <= '\u2069' || c is '\u200e' or '\u200f' or '\u061c';

    /// <summary>True when <paramref name="text"/> holds at least one character <see cref="IsUnsafe"/> refuses.</summary>
    public static bool ContainsUnsafe(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces each unsafe character by a visible escape (<c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\x1B</c>,
    /// <c>\u202E</c>); a backslash is left alone, so the result is for reading, not for decoding.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!ContainsUnsafe(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case < '\u0100' when IsUnsafe(c):
                    builder.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    break;
                case var _ when IsUnsafe(c):
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Removes every unsafe character; tabs and line breaks become a space so words stay apart.</summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!ContainsUnsafe(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\t' or '\r' or '\n')
            {
                builder.Append(' ');
            }
            else if (!IsUnsafe(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
