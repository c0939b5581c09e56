using System.Text;

namespace Palisade.Cli.Client;

/// <summary>A URL query string; values are percent-encoded (the server also takes them raw, as SikkerAPI's CLI sends them).</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _query = new();

    public void Add(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        _query.Append(_query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public override string ToString() => _query.ToString();
}
