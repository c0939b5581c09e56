using System.Globalization;
using System.Text;
using Palisade.Core.Categories;
using Palisade.Core.Scoring;

namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// Turns an uploaded CSV file (<c>IP,Category,Protocol,Comment</c>) into report rows. The header row is optional and
/// recognised by a cell naming the address column; with a header, columns may come in any order and may also
/// include Port, Username, Timestamp and Email. Comma or semicolon is detected, a UTF-8 BOM is skipped, CRLF and LF both
/// end a record. Addresses and the remaining fields are validated later by the report service, in one place.
/// </summary>
public static class BulkCsvParser
{
    private static readonly BulkColumn[] PositionalColumns = [BulkColumn.Ip, BulkColumn.Category, BulkColumn.Protocol, BulkColumn.Comment];

    private static readonly Dictionary<string, BulkColumn> ColumnNames = new(StringComparer.Ordinal)
    {
        ["ip"] = BulkColumn.Ip,
        ["ipaddress"] = BulkColumn.Ip,
        ["address"] = BulkColumn.Ip,
        ["category"] = BulkColumn.Category,
        ["categories"] = BulkColumn.Category,
        ["protocol"] = BulkColumn.Protocol,
        ["comment"] = BulkColumn.Comment,
        ["comments"] = BulkColumn.Comment,
        ["port"] = BulkColumn.Port,
        ["username"] = BulkColumn.Username,
        ["user"] = BulkColumn.Username,
        ["timestamp"] = BulkColumn.Timestamp,
        ["time"] = BulkColumn.Timestamp,
        ["email"] = BulkColumn.Email,
    };

    private const string KnownColumns = "IP, Category, Protocol, Comment, Port, Username, Timestamp, Email";

    /// <param name="file">The file's bytes exactly as uploaded.</param>
    /// <param name="reporterAddress">The uploader's own address, scrubbed from comments.</param>
    public static BulkParseResult Parse(ReadOnlySpan<byte> file, string? reporterAddress)
    {
        if (file.Length > BulkLimits.MaxFileBytes)
        {
            return BulkParseResult.TooLarge(BulkParseResult.TooManyBytesMessage);
        }

        if (file.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            file = file[3..];
        }

        if (file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || file.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return BulkParseResult.Malformed("The file is UTF-16 text; save it as UTF-8 CSV and upload it again. Nothing was stored.");
        }

        if (file.IndexOf((byte)0) >= 0 || !System.Text.Unicode.Utf8.IsValid(file))
        {
            return BulkParseResult.Malformed("The file is not UTF-8 CSV text (it contains binary data); upload a CSV file with columns IP,Category,Protocol,Comment. Nothing was stored.");
        }

        var text = Encoding.UTF8.GetString(file);
        var delimiter = Rfc4180Reader.DetectDelimiter(text);
        var reader = new Rfc4180Reader(text, delimiter);
        var rows = new List<BulkRow>();
        BulkColumn[]? columns = null;
        while (reader.Next() is { } record)
        {
            if (record.IsBlank)
            {
                continue;
            }

            if (columns is null)
            {
                if (record.Error is null && IsHeader(record))
                {
                    if (!TryReadHeader(record, out columns, out var headerError))
                    {
                        return BulkParseResult.Malformed(headerError);
                    }

                    continue;
                }

                columns = PositionalColumns;
            }

            if (rows.Count == BulkLimits.MaxRows)
            {
                return BulkParseResult.TooLarge(BulkParseResult.TooManyRowsMessage);
            }

            rows.Add(ToRow(record, columns, delimiter, reporterAddress));
        }

        if (reader.UnterminatedQuoteLine is { } line)
        {
            return BulkParseResult.Malformed(
                $"Malformed CSV: the quoted field that starts on line {line} is never closed, so the rest of the file is inside it. Close the quote (write a quote inside quotes as \"\") and upload again. Nothing was stored.");
        }

        return BulkParseResult.Parsed(rows);
    }

    // A row naming the address column ("IP", "ip_address", …) is a header: no address is spelled like that.
    private static bool IsHeader(CsvRecord record)
        => record.Fields.Any(f => f.Length <= 32 && ColumnNames.TryGetValue(Normalize(f), out var column) && column == BulkColumn.Ip);

    private static bool TryReadHeader(CsvRecord record, out BulkColumn[] columns, out string error)
    {
        columns = new BulkColumn[record.Fields.Count];
        var seen = new HashSet<BulkColumn>();
        for (var i = 0; i < columns.Length; i++)
        {
            var name = record.Fields[i].Trim();
            if (!ColumnNames.TryGetValue(Normalize(name), out var column))
            {
                error = $"Unknown column '{BulkLimits.Echo(name)}' in the header row (line {record.Line}). Known columns: {KnownColumns}. Nothing was stored.";
                return false;
            }

            if (!seen.Add(column))
            {
                error = $"Column '{BulkLimits.Echo(name)}' appears twice in the header row (line {record.Line}). Nothing was stored.";
                return false;
            }

            columns[i] = column;
        }

        if (!seen.Contains(BulkColumn.Category))
        {
            error = $"The header row (line {record.Line}) has no Category column. Columns: {KnownColumns}. Nothing was stored.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static BulkRow ToRow(CsvRecord record, BulkColumn[] columns, char delimiter, string? reporterAddress)
    {
        var ipText = record.Fields.Count > 0 ? record.Fields[0].Trim() : string.Empty;
        if (columns != PositionalColumns)
        {
            var ipIndex = Array.IndexOf(columns, BulkColumn.Ip);
            ipText = ipIndex < record.Fields.Count ? record.Fields[ipIndex].Trim() : string.Empty;
        }

        var echo = BulkLimits.Echo(ipText);
        if (record.Error is not null)
        {
            return new BulkRow(record.Line, echo, null, record.Error);
        }

        if (record.Fields.Count > columns.Length)
        {
            return new BulkRow(record.Line, echo, null,
                $"The row has {record.Fields.Count} fields but the file has {columns.Length} columns ({string.Join(", ", columns)}); quote a comment that contains '{delimiter}'.");
        }

        string? categoryText = null, protocol = null, comment = null, portText = null, username = null, timeText = null, email = null;
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var value = record.Fields[i].Trim();
            if (value.Length == 0)
            {
                continue;
            }

            switch (columns[i])
            {
                case BulkColumn.Category:
                    categoryText = value;
                    break;
                case BulkColumn.Protocol:
                    protocol = value;
                    break;
                case BulkColumn.Comment:
                    comment = value;
                    break;
                case BulkColumn.Port:
                    portText = value;
                    break;
                case BulkColumn.Username:
                    username = value;
                    break;
                case BulkColumn.Timestamp:
                    timeText = value;
                    break;
                case BulkColumn.Email:
                    email = value;
                    break;
            }
        }

        if (ipText.Length == 0)
        {
            return new BulkRow(record.Line, echo, null, "Missing IP address.");
        }

        if (categoryText is null)
        {
            return new BulkRow(record.Line, echo, null, "Missing category: give a name such as brute_force or an id 1–16.");
        }

        var categories = new List<int>(1);
        foreach (var part in categoryText.Split(['|', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!CategoryCatalog.TryResolve(part, out var category))
            {
                return new BulkRow(record.Line, echo, null, $"Unknown category '{BulkLimits.Echo(part)}'. Use a name such as brute_force or an id 1–16.");
            }

            categories.Add(category.Id);
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return new BulkRow(record.Line, echo, null, $"Port '{BulkLimits.Echo(portText)}' is not a whole number.");
            }

            port = number;
        }

        DateTimeOffset? timestamp = null;
        if (timeText is not null)
        {
            if (!TryParseTime(timeText, out var at))
            {
                return new BulkRow(record.Line, echo, null, $"Timestamp '{BulkLimits.Echo(timeText)}' is not an RFC 3339 time or epoch seconds.");
            }

            timestamp = at;
        }

        return new BulkRow(record.Line, echo,
            new ReportSubmission(ipText, categories, protocol, port, username, comment, timestamp, ReportSource.Local, "native", null, reporterAddress, email), null);
    }

    private static bool TryParseTime(string text, out DateTimeOffset at)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            at = default;
            if (seconds > 253_402_300_799)
            {
                return false;
            }

            at = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
    }

    // "IP Address", "ip_address" and "IP-Address" all name the address column.
    private static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (!char.IsWhiteSpace(c) && c is not '_' and not '-')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
