using System.Net;
using System.Text.RegularExpressions;
using Palisade.Core.Addresses;
using Palisade.Core.Text;

namespace Palisade.Core.Reports;

/// <summary>Removes personal data from free-text comments before they are stored: e-mail addresses (also written
/// <c>%40</c>, with a fullwidth <c>＠</c>, or as <c>"Name" &lt;x@y&gt;</c> with the name), and the reporter's own address
/// where it is known.</summary>
/// <remarks>The reporter's address is found in any textual form ("2001:DB8:0::1", "::ffff:192.0.2.1" for an IPv4
/// reporter, "192.0.2.1:22" with a port) by parsing every address-like token and comparing addresses, not text. A
/// token is only replaced whole, so 192.0.2.1 is never cut out of 192.0.2.10 or 1.192.0.2.1.</remarks>
public static partial class CommentScrubber
{
    public const string EmailPlaceholder = "[email]";
    public const string ReporterPlaceholder = "[reporter]";

    public static string? Scrub(string? comment, string? reporterAddress) => Scrub(comment, Reporter(reporterAddress));

    /// <summary>The reporter's address as <see cref="Scrub(string?, IPAddress?)"/> compares it (null when it is not an
    /// address): parsed once for a batch whose comments all come from the same reporter.</summary>
    public static IPAddress? Reporter(string? reporterAddress)
        => reporterAddress is not null && IpAddressParser.TryParse(reporterAddress, out var reporter, out _) ? reporter.Address : null;

    /// <param name="comment">The comment as submitted.</param>
    /// <param name="reporter">The reporter's address from <see cref="Reporter(string?)"/>; null when unknown.</param>
    public static string? Scrub(string? comment, IPAddress? reporter)
    {
        comment = StoredText.WithoutNul(comment);
        if (string.IsNullOrEmpty(comment))
        {
            return comment;
        }

        var scrubbed = MayHoldEmail(comment)
            ? EmailPattern().Replace(NamedEmailPattern().Replace(comment, EmailPlaceholder), EmailPlaceholder)
            : comment;

        // Every address has a '.' or a ':', so a comment without either cannot name the reporter.
        if (reporter is null || scrubbed.AsSpan().IndexOfAny('.', ':') < 0)
        {
            return scrubbed;
        }

        return ReplaceReporter(scrubbed, reporter);
    }

    // Each address-like token that is the reporter is replaced; a comment without one comes back as it is, unallocated.
    private static string ReplaceReporter(string text, IPAddress reporter)
    {
        System.Text.StringBuilder? result = null;
        var copied = 0;
        foreach (var match in AddressTokenPattern().EnumerateMatches(text))
        {
            var token = text.Substring(match.Index, match.Length);
            var replaced = ReplaceIfReporter(token, reporter);
            if (ReferenceEquals(replaced, token))
            {
                continue;
            }

            (result ??= new System.Text.StringBuilder(text.Length)).Append(text, copied, match.Index - copied).Append(replaced);
            copied = match.Index + match.Length;
        }

        return result is null ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    private static string ReplaceIfReporter(string token, IPAddress reporter)
    {
        // Sentence punctuation after an address ("from 192.0.2.1.") is part of the token but not of the address.
        var core = token.TrimEnd('.', ':');
        var tail = token[core.Length..];
        // Every address has a '.' or a ':': a bare number ("port 1024") is not worth parsing.
        if (core.AsSpan().IndexOfAny('.', ':') < 0)
        {
            return token;
        }

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

    // '@' in every form a mail address is written in: plain, percent-encoded (%40, from a logged URL), fullwidth and small.
    private static bool MayHoldEmail(string comment)
        => comment.AsSpan().IndexOfAny('@', '\uFF20', '\uFE6B') >= 0 || comment.Contains("%40", StringComparison.Ordinal);

    private const string Email = @"[\w.%+\-]+(?:@|\uFF20|\uFE6B|%40)(?:[\w\-]+\.)+\p{L}{2,}";

    // Linear (non-backtracking engine): comments are attacker-influenced text.
    [GeneratedRegex(Email, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // A mailbox with its owner's name ("Jane Doe" <jane@example.org>, Jane Doe <jane@…>): the name goes too.
    [GeneratedRegex(@"(?:""[^""\r\n]{0,128}""|(?:\p{Lu}[\p{L}\p{M}'.\-]*[ \t]+){0,3}\p{Lu}[\p{L}\p{M}'.\-]*)[ \t]*<[ \t]*" + Email + @"[ \t]*>",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex NamedEmailPattern();

    // A maximal run of address characters not glued to a word; the atomic group keeps it linear.
    [GeneratedRegex(@"(?<![0-9A-Za-z:.])(?>[0-9A-Fa-f:.]{2,})(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex AddressTokenPattern();
}
