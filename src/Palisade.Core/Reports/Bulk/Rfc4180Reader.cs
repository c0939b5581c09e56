using System.Text;

namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// A small, strict RFC 4180 reader. Records end at CRLF, LF or CR; a field is either unquoted (no quote, delimiter or
/// line break inside) or wholly quoted, with <c>""</c> for a quote and line breaks allowed. A record that breaks
/// these rules comes back with an <see cref="CsvRecord.Error"/> and reading resumes on the next line, so one bad row
/// costs one row. A quote that is never closed swallows the rest of the file: that ends reading with
/// <see cref="UnterminatedQuoteLine"/> set, because no row after it can be trusted.
/// </summary>
public sealed class Rfc4180Reader(string text, char delimiter)
{
    private readonly StringBuilder _quoted = new();
    private int _position;
    private int _line = 1;

    /// <summary>The line of a quoted field that is never closed; set when <see cref="Next"/> stops because of it.</summary>
    public int? UnterminatedQuoteLine { get; private set; }

    /// <summary>The next record, or null at the end of the text (or at an unterminated quote).</summary>
    public CsvRecord? Next()
    {
        if (_position >= text.Length || UnterminatedQuoteLine is not null)
        {
            return null;
        }

        var line = _line;
        var fields = new List<string>(4);
        while (true)
        {
            if (_position < text.Length && text[_position] == '"')
            {
                if (!ReadQuoted(out var value))
                {
                    return null;
                }

                fields.Add(value);
                if (_position >= text.Length)
                {
                    return new CsvRecord(line, fields, null);
                }

                var after = text[_position];
                if (after == delimiter)
                {
                    _position++;
                    continue;
                }

                if (after is '\r' or '\n')
                {
                    ConsumeLineBreak();
                    return new CsvRecord(line, fields, null);
                }

                SkipRestOfLine();
                return new CsvRecord(line, fields,
                    $"Malformed CSV: '{Printable(after)}' after the closing quote of field {fields.Count}; a quoted field must end at a '{delimiter}' or the end of the line (write a quote inside quotes as \"\").");
            }

            var start = _position;
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c == delimiter || c is '\r' or '\n')
                {
                    break;
                }

                if (c == '"')
                {
                    fields.Add(text[start.._position]);
                    SkipRestOfLine();
                    return new CsvRecord(line, fields,
                        $"Malformed CSV: a quote inside unquoted field {fields.Count}; quote the whole field and double the quotes inside it (\"like \"\"this\"\"\").");
                }

                _position++;
            }

            fields.Add(text[start.._position]);
            if (_position >= text.Length)
            {
                return new CsvRecord(line, fields, null);
            }

            if (text[_position] == delimiter)
            {
                _position++;
                continue;
            }

            ConsumeLineBreak();
            return new CsvRecord(line, fields, null);
        }
    }

    /// <summary>Comma or semicolon: whichever occurs more often outside quotes on the first non-blank line (comma on a tie).</summary>
    public static char DetectDelimiter(string text)
    {
        int commas = 0, semicolons = 0;
        var quoted = false;
        var content = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                content = true;
            }
            else if (!quoted && c is '\r' or '\n')
            {
                if (content)
                {
                    break;
                }
            }
            else if (!quoted && c == ',')
            {
                commas++;
                content = true;
            }
            else if (!quoted && c == ';')
            {
                semicolons++;
                content = true;
            }
            else if (!char.IsWhiteSpace(c))
            {
                content = true;
            }
        }

        return semicolons > commas ? ';' : ',';
    }

    private bool ReadQuoted(out string value)
    {
        var openedOn = _line;
        _quoted.Clear();
        _position++;
        while (_position < text.Length)
        {
            var c = text[_position];
            if (c == '"')
            {
                if (_position + 1 < text.Length && text[_position + 1] == '"')
                {
                    _quoted.Append('"');
                    _position += 2;
                    continue;
                }

                _position++;
                value = _quoted.ToString();
                return true;
            }

            if (c == '\n' || (c == '\r' && (_position + 1 >= text.Length || text[_position + 1] != '\n')))
            {
                _line++;
            }

            _quoted.Append(c);
            _position++;
        }

        UnterminatedQuoteLine = openedOn;
        value = string.Empty;
        return false;
    }

    private void ConsumeLineBreak()
    {
        if (text[_position] == '\r' && _position + 1 < text.Length && text[_position + 1] == '\n')
        {
            _position++;
        }

        _position++;
        _line++;
    }

    private void SkipRestOfLine()
    {
        while (_position < text.Length && text[_position] is not '\r' and not '\n')
        {
            _position++;
        }

        if (_position < text.Length)
        {
            ConsumeLineBreak();
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString();
}
