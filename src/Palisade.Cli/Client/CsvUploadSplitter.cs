using System.Text;
using Palisade.Core.Reports.Bulk;

namespace Palisade.Cli.Client;

/// <summary>
/// Splits a report CSV into uploads the server accepts (at most 10,000 rows and 2 MB each). Records are found with the
/// server's own RFC 4180 reader, so a quoted comment with line breaks is never cut in two, and each chunk repeats the
/// file's header (or, for a file without one, the positional header IP,Category,Protocol,Comment in the file's
/// delimiter, which means the same), so every chunk is read exactly as the whole file would be.
/// </summary>
internal sealed class CsvUploadSplitter
{
    private static readonly HashSet<string> AddressColumnNames = ["ip", "ipaddress", "address"];

    private readonly string _text;
    private readonly List<int> _lineStarts;
    private readonly int[] _recordLines;
    private readonly List<int> _rowRecords;
    private readonly string _header;
    private readonly int _headerLines;

    private CsvUploadSplitter(string text, List<int> lineStarts, int[] recordLines, List<int> rowRecords, string header, int headerLines)
    {
        _text = text;
        _lineStarts = lineStarts;
        _recordLines = recordLines;
        _rowRecords = rowRecords;
        _header = header;
        _headerLines = headerLines;
    }

    /// <summary>Report rows in the file (the header and blank lines are not rows).</summary>
    public int Rows => _rowRecords.Count;

    /// <exception cref="ClientFailureException">The file is not UTF-8 CSV, has no rows, or has a quote that is never closed.</exception>
    public static CsvUploadSplitter Read(byte[] file)
    {
        var bytes = file.AsSpan();
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ||
            bytes.IndexOf((byte)0) >= 0 || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw ClientFailureException.Usage("The file is not UTF-8 CSV text; save it as UTF-8 CSV with columns IP,Category,Protocol,Comment.");
        }

        var text = Encoding.UTF8.GetString(bytes);
        var delimiter = Rfc4180Reader.DetectDelimiter(text);
        var reader = new Rfc4180Reader(text, delimiter);
        var recordLines = new List<int>();
        var rowRecords = new List<int>();
        var headerRecord = -1;
        while (reader.Next() is { } record)
        {
            recordLines.Add(record.Line);
            if (record.IsBlank)
            {
                continue;
            }

            // As the server decides: the first non-blank record is a header when it names the address column.
            if (rowRecords.Count == 0 && headerRecord < 0 && record.Error is null && record.Fields.Any(IsAddressColumn))
            {
                headerRecord = recordLines.Count - 1;
                continue;
            }

            rowRecords.Add(recordLines.Count - 1);
        }

        if (reader.UnterminatedQuoteLine is { } open)
        {
            throw ClientFailureException.Usage(
                $"Malformed CSV: the quoted field that starts on line {open} is never closed, so the rest of the file is inside it. Close the quote (write a quote inside quotes as \"\"). Nothing was sent.");
        }

        if (rowRecords.Count == 0)
        {
            throw ClientFailureException.Usage("The file has no report rows. Columns: IP,Category,Protocol,Comment (the header row is optional).");
        }

        var splitter = new CsvUploadSplitter(text, LineStarts(text), [.. recordLines], rowRecords, string.Empty, 1);
        if (headerRecord < 0)
        {
            return new CsvUploadSplitter(text, splitter._lineStarts, splitter._recordLines, rowRecords,
                $"IP{delimiter}Category{delimiter}Protocol{delimiter}Comment\n", 1);
        }

        var header = splitter.RecordText(headerRecord);
        return new CsvUploadSplitter(text, splitter._lineStarts, splitter._recordLines, rowRecords,
            header.EndsWith('\n') || header.EndsWith('\r') ? header : header + "\n", splitter.LinesOf(headerRecord));
    }

    /// <exception cref="ClientFailureException">A single record is larger than an upload may be.</exception>
    public IEnumerable<CsvUploadChunk> Chunks(int maxRows, int maxBytes)
    {
        var headerBytes = Encoding.UTF8.GetByteCount(_header);
        var text = new StringBuilder();
        var map = new Dictionary<int, int>();
        var bytes = 0;
        var chunkLine = 0;
        var rows = 0;
        var firstLine = 0;
        var lastLine = 0;
        foreach (var index in _rowRecords)
        {
            var record = RecordText(index);
            var recordBytes = Encoding.UTF8.GetByteCount(record);
            if (headerBytes + recordBytes > maxBytes)
            {
                throw ClientFailureException.Usage($"The record on line {_recordLines[index]} is larger than one upload may be ({maxBytes:N0} bytes).");
            }

            if (rows > 0 && (rows == maxRows || bytes + recordBytes > maxBytes))
            {
                yield return new CsvUploadChunk(text.ToString(), map, rows, firstLine, lastLine);
                rows = 0;
            }

            if (rows == 0)
            {
                text.Clear().Append(_header);
                map = [];
                bytes = headerBytes;
                chunkLine = 1 + _headerLines;
                firstLine = _recordLines[index];
            }

            map[chunkLine] = _recordLines[index];
            text.Append(record);
            bytes += recordBytes;
            chunkLine += LinesOf(index);
            lastLine = _recordLines[index];
            rows++;
        }

        yield return new CsvUploadChunk(text.ToString(), map, rows, firstLine, lastLine);
    }

    /// <summary>A record's text with its line break: from its first line to where the next record starts.</summary>
    private string RecordText(int index)
        => _text[Offset(_recordLines[index])..(index + 1 < _recordLines.Length ? Offset(_recordLines[index + 1]) : _text.Length)];

    private int LinesOf(int index) => index + 1 < _recordLines.Length ? _recordLines[index + 1] - _recordLines[index] : 1;

    private int Offset(int line) => line - 1 < _lineStarts.Count ? _lineStarts[line - 1] : _text.Length;

    private static bool IsAddressColumn(string field)
    {
        if (field.Length > 32)
        {
            return false;
        }

        var name = new StringBuilder(field.Length);
        foreach (var c in field)
        {
            if (!char.IsWhiteSpace(c) && c is not '_' and not '-')
            {
                name.Append(char.ToLowerInvariant(c));
            }
        }

        return AddressColumnNames.Contains(name.ToString());
    }

    /// <summary>Where each line starts (index 0 is line 1); a line ends at CRLF, LF or a lone CR, as the reader counts.</summary>
    private static List<int> LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }
}
