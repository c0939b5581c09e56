using System.Text;
using Palisade.Core.Addresses;

namespace Palisade.Core.Reports.Bulk;

/// <summary>
/// The addresses of a bulk check: one per line, as a plain list or the first column of a CSV. Blank lines, CRLF, a
/// UTF-8 BOM, <c>#</c> comment lines and a header line (a first line that is a word, not an address) are tolerated;
/// anything else that is not an address refuses the whole request, naming the lines, before anything is charged.
/// </summary>
public sealed record BulkAddressList(IReadOnlyList<NormalizedAddress> Addresses, BulkParseFailure Failure, string? Error)
{
    private const int LinesNamed = 5;

    public static BulkAddressList Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > BulkLimits.MaxAddressListBytes)
        {
            return Refused(BulkParseFailure.TooLarge, $"A bulk check body is at most 2 MB ({BulkLimits.MaxAddressListBytes:N0} bytes) and {BulkLimits.MaxAddresses:N0} addresses; split the list. Nothing was looked up.");
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            body = body[3..];
        }

        if (body.IndexOf((byte)0) >= 0 || !System.Text.Unicode.Utf8.IsValid(body))
        {
            return Refused(BulkParseFailure.Malformed, "The body is not UTF-8 text (it contains binary data); send one address per line. Nothing was looked up.");
        }

        var text = Encoding.UTF8.GetString(body);
        var addresses = new List<NormalizedAddress>();
        var problems = new StringBuilder();
        var bad = 0;
        var line = 0;
        var firstContent = true;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            line++;
            var content = text.AsSpan(range).Trim();
            if (content.IsEmpty || content[0] == '#')
            {
                continue;
            }

            var end = content.IndexOfAny(",;\t ");
            var token = (end < 0 ? content : content[..end]).ToString();
            var isFirst = firstContent;
            firstContent = false;
            if (IpAddressParser.TryParse(token, out var address, out var error))
            {
                if (addresses.Count == BulkLimits.MaxAddresses)
                {
                    return Refused(BulkParseFailure.TooLarge, $"A bulk check holds at most {BulkLimits.MaxAddresses:N0} addresses; split the list. Nothing was looked up.");
                }

                addresses.Add(address);
                continue;
            }

            if (isFirst && IsHeaderWord(token))
            {
                continue;
            }

            if (++bad <= LinesNamed)
            {
                problems.Append(problems.Length == 0 ? "Line " : "; line ").Append(line).Append(": ").Append(error);
            }
        }

        if (bad > 0)
        {
            if (bad > LinesNamed)
            {
                problems.Append("; and ").Append(bad - LinesNamed).Append(" more lines");
            }

            problems.Append(". Send one IP address per line. Nothing was looked up or charged.");
            return Refused(BulkParseFailure.Malformed, problems.ToString());
        }

        return new BulkAddressList(addresses, BulkParseFailure.None, null);
    }

    // "ip", "IP Address", "address": a column title, never an address (addresses have '.' or ':').
    private static bool IsHeaderWord(string token)
        => token.Length is > 0 and <= 32 && char.IsAsciiLetter(token[0]) && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static BulkAddressList Refused(BulkParseFailure failure, string error) => new([], failure, error);
}
