using System.Net;
using System.Text.RegularExpressions;
using Palisade.Core.Addresses;

namespace Palisade.Core.Reports;

/// <summary>Removes personal data from free-text comments before they are stored: e-mail addresses, and the
/// reporter's own address where it is known.</summary>
/// <remarks>The reporter's address is found in any textual form ("2001:DB8:0::1", "::ffff:192.0.2.1" for an IPv4
/// reporter, "192.0.2.1:22" with a port) by parsing every address-like token and comparing addresses, not text. A
/// token is only replaced whole, so 192.0.2.1 is never cut out of 192.0.2.10 or 1.192.0.2.1.</remarks>
public static partial class CommentScrubber
{
    public const string EmailPlaceholder = "[email]";
    public const string ReporterPlaceholder = "[reporter]";

    public static string? Scrub(string? comment, string? reporterAddress)
    {
        if (string.IsNullOrEmpty(comment))
        {
            return comment;
        }

        var scrubbed = comment.Contains('@', StringComparison.Ordinal)
            ? EmailPattern().Replace(comment, EmailPlaceholder)
            : comment;

        if (reporterAddress is null || !IpAddressParser.TryParse(reporterAddress, out var reporter, out _))
        {
            return scrubbed;
        }

        return AddressTokenPattern().Replace(scrubbed, match => ReplaceIfReporter(match.Value, reporter.Address));
    }

    private static string ReplaceIfReporter(string token, IPAddress reporter)
    {
        // Sentence punctuation after an address ("from 192.0.2.1.") is part of the token but not of the address.
        var core = token.TrimEnd('.', ':');
        var tail = token[core.Length..];
        if (IsReporter(core, reporter))
        {
            return ReporterPlaceholder + tail;
        }

        // IPv4 with a port: "192.0.2.1:22".
        var colon = core.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon == core.LastIndexOf(':') && core.AsSpan(0, colon).Contains('.') && IsReporter(core[..colon], reporter))
        {
            return ReporterPlaceholder + core[colon..] + tail;
        }

        return token;
    }

    private static bool IsReporter(string text, IPAddress reporter)
        => IpAddressParser.TryParse(text, out var address, out _) && address.Address.Equals(reporter);

    // Linear (non-backtracking engine): comments are attacker-influenced text.
    [GeneratedRegex(@"[\w.%+\-]+@(?:[\w\-]+\.)+\p{L}{2,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // A maximal run of address characters not glued to a word; the atomic group keeps it linear.
    [GeneratedRegex(@"(?<![0-9A-Za-z:.])(?>[0-9A-Fa-f:.]{2,})(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex AddressTokenPattern();
}
