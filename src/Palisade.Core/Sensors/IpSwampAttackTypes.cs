namespace Palisade.Core.Sensors;

/// <summary>A native category and, where the attack type names one, the protocol.</summary>
public sealed record MappedAttackType(int Category, string? Protocol);

/// <summary>
/// IPSwamp's honeypot attack types (the standardized ones its client sends, such as <c>SSH_BRUTEFORCE</c>, and the raw
/// module types such as <c>ftp_bruteforce</c>) mapped onto native categories. An unknown type is kept as
/// <c>other</c> (16) rather than refused: a sensor report is never lost for its label.
/// </summary>
public static class IpSwampAttackTypes
{
    private const int BruteForce = 1, PortScan = 2, Ddos = 3, WebExploit = 4, SqlInjection = 5, Spam = 7, BadBot = 8, ExploitedHost = 9,
        Malware = 10, OpenProxy = 12, Other = 16;

    private static readonly Dictionary<string, MappedAttackType> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SSH_BRUTEFORCE"] = new(BruteForce, "ssh"),
        ["AUTHENTICATION_BREACH"] = new(BruteForce, null),
        ["CREDENTIAL_STUFFING"] = new(BruteForce, null),
        ["PORT_SCAN"] = new(PortScan, null),
        ["SQLI_ATTEMPT"] = new(SqlInjection, "http"),
        ["XSS_ATTEMPT"] = new(WebExploit, "http"),
        ["CSRF_ATTEMPT"] = new(WebExploit, "http"),
        ["PATH_TRAVERSAL"] = new(WebExploit, "http"),
        ["COMMAND_INJECTION"] = new(WebExploit, "http"),
        ["HTTP_INJECTION"] = new(WebExploit, "http"),
        ["DIRECTORY_LISTING_ATTEMPT"] = new(WebExploit, "http"),
        ["SUSPICIOUS_QUERY_STRING"] = new(WebExploit, "http"),
        ["SUSPICIOUS_USER_AGENT"] = new(BadBot, "http"),
        ["EXCESSIVE_404"] = new(BadBot, "http"),
        ["FAKE_CRAWLER"] = new(BadBot, "http"),
        ["RATE_LIMIT_BREACH"] = new(BadBot, "http"),
        ["API_ABUSE"] = new(BadBot, "http"),
        ["COMMENT_SPAM"] = new(Spam, "http"),
        ["MAIL_SPAM"] = new(Spam, "smtp"),
        ["HTTP_FLOOD"] = new(Ddos, "http"),
        ["DDOS_ATTACK"] = new(Ddos, null),
        ["BOTNET_ACTIVITY"] = new(ExploitedHost, null),
        ["DATA_EXFILTRATION"] = new(ExploitedHost, null),
        ["RANSOMWARE_DISTRIBUTION"] = new(Malware, null),
        ["TOR_EXIT_NODE"] = new(OpenProxy, null),
        ["PROXY_ABUSE"] = new(OpenProxy, null),
        ["VPN_ABUSE"] = new(OpenProxy, null),
        ["TARGETED_ATTACK"] = new(Other, null),
        ["HONEYPOT"] = new(Other, null),
        ["MANUAL"] = new(Other, null),
    };

    /// <summary>The category and protocol of an attack type; raw module types (<c>ssh_…</c>, <c>ftp_…</c>, <c>smtp_…</c>) give their protocol.</summary>
    public static MappedAttackType Map(string attackType)
    {
        var type = attackType.Trim();
        if (Table.TryGetValue(type, out var mapped))
        {
            return mapped;
        }

        var lower = type.ToLowerInvariant();
        var underscore = lower.IndexOf('_', StringComparison.Ordinal);
        var prefix = underscore > 0 ? lower[..underscore] : "";
        var protocol = prefix is "ssh" or "ftp" or "smtp" or "imap" or "pop3" or "mysql" or "telnet" or "http" ? prefix : null;
        var category = lower switch
        {
            _ when lower.Contains("brute", StringComparison.Ordinal) || lower.Contains("auth", StringComparison.Ordinal) ||
                   lower.Contains("invalid_user", StringComparison.Ordinal) || lower.Contains("login", StringComparison.Ordinal) => BruteForce,
            _ when lower.Contains("scan", StringComparison.Ordinal) || lower.Contains("probe", StringComparison.Ordinal) => PortScan,
            _ when lower.Contains("sql", StringComparison.Ordinal) => SqlInjection,
            _ when lower.Contains("spam", StringComparison.Ordinal) || lower.Contains("relay", StringComparison.Ordinal) => Spam,
            _ when lower.Contains("xss", StringComparison.Ordinal) || lower.Contains("traversal", StringComparison.Ordinal) ||
                   lower.Contains("injection", StringComparison.Ordinal) => WebExploit,
            _ when lower.Contains("flood", StringComparison.Ordinal) || lower.Contains("dos", StringComparison.Ordinal) => Ddos,
            _ => Other,
        };
        return new MappedAttackType(category, protocol);
    }
}
