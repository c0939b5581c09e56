using System.Text;
using System.Text.Encodings.Web;

namespace Palisade.Server.Dashboard;

/// <summary>Builds an HTML document; every text and attribute value goes through <see cref="HtmlEncoder"/>.</summary>
public sealed class HtmlWriter
{
    private readonly StringBuilder _html = new();
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <summary>Trusted markup written by this code (never user data).</summary>
    public HtmlWriter Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public HtmlWriter Text(string? text)
    {
        if (text is not null)
        {
            _html.Append(Encoder.Encode(text));
        }

        return this;
    }

    /// <summary>Opens a tag; attributes with a null value are left out, an empty one is written bare.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _html.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _html.Append(' ').Append(name);
            if (value.Length > 0)
            {
                _html.Append("=\"").Append(Encoder.Encode(value)).Append('"');
            }
        }

        _html.Append('>');
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element with text content.</summary>
    public HtmlWriter Element(string tag, string? text, params (string Name, string? Value)[] attributes)
        => Open(tag, attributes).Text(text).Close(tag);

    public override string ToString() => _html.ToString();
}
