using System.Text;

namespace Palisade.Server.AbuseIpdb;

/// <summary>
/// RFC 4180 CSV as AbuseIPDB's bulk-report takes it: comma-separated, fields optionally in double quotes (needed for
/// multi-category values such as "18,22"), doubled quotes inside quotes, CRLF or LF line ends, quoted newlines allowed.
/// </summary>
internal static class AbuseIpdbCsv
{
    /// <summary>A record and the line it starts on (1-based).</summary>
    public readonly record struct Row(int Line, IReadOnlyList<string> Fields, string Raw);

    public static List<Row> Parse(string text, int maxRows)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var raw = new StringBuilder();
        var line = 1;
        var rowStart = 1;
        var quoted = false;
        var atFieldStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                raw.Append(c);
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        raw.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when atFieldStart:
                    quoted = true;
                    atFieldStart = false;
                    raw.Append(c);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                    raw.Append(c);
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRow();
                    line++;
                    rowStart = line;
                    if (rows.Count > maxRows)
                    {
                        return rows;
                    }

                    break;
                default:
                    field.Append(c);
                    atFieldStart = false;
                    raw.Append(c);
                    break;
            }
        }

        EndRow();
        return rows;

        void EndRow()
        {
            fields.Add(field.ToString());
            field.Clear();
            atFieldStart = true;
            // Blank lines (a trailing newline, an empty line between rows) are not records.
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                rows.Add(new Row(rowStart, [.. fields], raw.ToString()));
            }

            fields.Clear();
            raw.Clear();
        }
    }
}
