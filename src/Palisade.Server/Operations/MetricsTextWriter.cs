using System.Globalization;
using System.Text;

namespace Palisade.Server.Operations;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: per family a <c># HELP</c> and a <c># TYPE</c> line,
/// then its samples <c>name{label="value",…} number</c>, one per line, each line ending in <c>\n</c>.
/// </summary>
public sealed class MetricsTextWriter
{
    private readonly StringBuilder _text = new(16 * 1024);

    /// <summary>Starts a family. <paramref name="type"/>: counter, gauge or histogram.</summary>
    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value) => Sample(name, [], [], null, value);

    public void Sample(string name, string labelName, string labelValue, double value) => Sample(name, [labelName], [labelValue], null, value);

    /// <summary>A sample; <paramref name="le"/> adds a histogram bucket's upper bound as the last label.</summary>
    public void Sample(string name, IReadOnlyList<string> labelNames, IReadOnlyList<string> labelValues, string? le, double value)
    {
        _text.Append(name);
        if (labelNames.Count > 0 || le is not null)
        {
            _text.Append('{');
            for (var i = 0; i < labelNames.Count; i++)
            {
                Label(labelNames[i], labelValues[i]);
                _text.Append(',');
            }

            if (le is not null)
            {
                Label("le", le);
            }
            else
            {
                _text.Length--;
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public override string ToString() => _text.ToString();

    private void Label(string name, string value)
    {
        _text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => _text.Append("\\\\"),
                '"' => _text.Append("\\\""),
                '\n' => _text.Append("\\n"),
                _ => _text.Append(c),
            };
        }

        _text.Append('"');
    }
}
