using System.Diagnostics.CodeAnalysis;

namespace Palisade.Core.Categories;

/// <summary>
/// The one category table: the 16 native categories with severity and MITRE ATT&amp;CK ids, and the mapping of
/// AbuseIPDB's 23 ids (ReportedIP's 1–23 are the same) and ReportedIP's 24–58 onto them.
/// Documented in docs/categories.md; keep the two in step.
/// </summary>
public static class CategoryCatalog
{
    public const int BruteForce = 1;
    public const int PortScan = 2;
    public const int Ddos = 3;
    public const int WebExploit = 4;
    public const int SqlInjection = 5;
    public const int Phishing = 6;
    public const int Spam = 7;
    public const int BadBot = 8;
    public const int ExploitedHost = 9;
    public const int Malware = 10;
    public const int DnsAbuse = 11;
    public const int OpenProxy = 12;
    public const int IotTargeted = 13;
    public const int Spoofing = 14;
    public const int Fraud = 15;
    public const int Other = 16;

    private static readonly Category[] NativeTable =
    [
        new(BruteForce, "brute_force", "Brute force / credential stuffing attacks", Severity.High, ["T1110"]),
        new(PortScan, "port_scan", "Port scanning / reconnaissance", Severity.Low, ["T1595.001", "T1046"]),
        new(Ddos, "ddos", "DDoS / botnet activity", Severity.High, ["T1498", "T1499"]),
        new(WebExploit, "web_exploit", "Web application exploitation", Severity.High, ["T1190"]),
        new(SqlInjection, "sql_injection", "SQL injection attempts", Severity.High, ["T1190"]),
        new(Phishing, "phishing", "Phishing / social engineering", Severity.High, ["T1566"]),
        new(Spam, "spam", "Spam / email abuse", Severity.Medium, ["T1566"]),
        new(BadBot, "bad_bot", "Bad bots / scrapers", Severity.Low, ["T1595.002", "T1594"]),
        new(ExploitedHost, "exploited_host", "Compromised host used to attack others", Severity.VeryHigh, ["T1584"]),
        new(Malware, "malware", "Malware distribution, hosting or command and control", Severity.VeryHigh, ["T1204", "T1105"]),
        new(DnsAbuse, "dns_abuse", "DNS abuse: compromise, poisoning, amplification", Severity.Medium, ["T1498.002", "T1071.004"]),
        new(OpenProxy, "open_proxy", "Open proxy / anonymising relay", Severity.Medium, ["T1090"]),
        new(IotTargeted, "iot_targeted", "Attacks on IoT devices (default credentials, device exploits)", Severity.High, ["T1190", "T1078.001"]),
        new(Spoofing, "spoofing", "Spoofing / impersonation (sender, address)", Severity.Medium, ["T1656", "T1557"]),
        new(Fraud, "fraud", "Fraud (orders, VoIP, payment)", Severity.Medium, ["T1657"]),
        new(Other, "other", "Other abuse", Severity.Info, []),
    ];

    private static readonly ForeignCategory[] AbuseIpdbTable =
    [
        new(1, "DNS Compromise", DnsAbuse),
        new(2, "DNS Poisoning", DnsAbuse),
        new(3, "Fraud Orders", Fraud),
        new(4, "DDoS Attack", Ddos),
        new(5, "FTP Brute-Force", BruteForce),
        new(6, "Ping of Death", Ddos),
        new(7, "Phishing", Phishing),
        new(8, "Fraud VoIP", Fraud),
        new(9, "Open Proxy", OpenProxy),
        new(10, "Web Spam", Spam),
        new(11, "Email Spam", Spam),
        new(12, "Blog Spam", Spam),
        new(13, "VPN IP", OpenProxy),
        new(14, "Port Scan", PortScan),
        new(15, "Hacking", Other),
        new(16, "SQL Injection", SqlInjection),
        new(17, "Spoofing", Spoofing),
        new(18, "Brute-Force", BruteForce),
        new(19, "Bad Web Bot", BadBot),
        new(20, "Exploited Host", ExploitedHost),
        new(21, "Web App Attack", WebExploit),
        new(22, "SSH", BruteForce),
        new(23, "IoT Targeted", IotTargeted),
    ];

    // 24–30 use the names of ReportedIP's docs page (its published blacklist follows them); the honeypot-server
    // registry names differ and are listed in docs/categories.md. 31–58 follow the honeypot-server's own AbuseIPDB
    // translation except where a native category is more specific (brute force, reconnaissance).
    private static readonly ForeignCategory[] ReportedIpTable =
    [
        .. AbuseIpdbTable,
        new(24, "Cryptocurrency Mining", Malware),
        new(25, "Ransomware C&C", Malware),
        new(26, "Banking Trojan", Malware),
        new(27, "Mobile Malware", Malware),
        new(28, "Supply Chain Attack", Malware),
        new(29, "Zero-Day Exploit", WebExploit),
        new(30, "Nation State", Malware),
        new(31, "WP Login Brute Force", BruteForce),
        new(32, "WP Admin Probe/Brute Force", WebExploit),
        new(33, "WP XML-RPC", BruteForce),
        new(34, "WP REST API Abuse", WebExploit),
        new(35, "WP Vulnerability Scan", WebExploit),
        new(36, "WP Theme Exploit", WebExploit),
        new(37, "WP Core File Modification", WebExploit),
        new(38, "WP Config Exposure", WebExploit),
        new(39, "WP Database Exposure", WebExploit),
        new(40, "WP Form Spam", Spam),
        new(41, "WP Registration Spam", Spam),
        new(42, "WP Trackback Spam", Spam),
        new(43, "WP File Upload Attack", WebExploit),
        new(44, "XSS", WebExploit),
        new(45, "Code Injection", WebExploit),
        new(46, "WP Core Tampering", WebExploit),
        new(47, "Directory Traversal", WebExploit),
        new(48, "File Inclusion", WebExploit),
        new(49, "Scraping", BadBot),
        new(50, "Open Redirect", WebExploit),
        new(51, "Resource Exhaustion", Ddos),
        new(52, "Media Library Abuse", WebExploit),
        new(53, "Search Spam", Spam),
        new(54, "WP Cron Abuse", WebExploit),
        new(55, "User Enumeration", PortScan),
        new(56, "Version Fingerprinting", PortScan),
        new(57, "WP Plugin Exploit", WebExploit),
        new(58, "Config File Exposure", WebExploit),
    ];

    // Indexed by native id; index 0 unused.
    private static readonly int[] NativeToAbuseIpdb = [0, 18, 14, 4, 21, 16, 7, 11, 19, 20, 20, 1, 9, 23, 17, 3, 15];

    private static readonly Dictionary<string, Category> ByName = BuildNameIndex();

    public static IReadOnlyList<Category> Native => NativeTable;

    public static IReadOnlyList<ForeignCategory> AbuseIpdb => AbuseIpdbTable;

    public static IReadOnlyList<ForeignCategory> ReportedIp => ReportedIpTable;

    /// <exception cref="ArgumentOutOfRangeException">The id is not 1–16.</exception>
    public static Category Get(int nativeId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nativeId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nativeId, NativeTable.Length);
        return NativeTable[nativeId - 1];
    }

    public static bool TryGet(int nativeId, [NotNullWhen(true)] out Category? category)
    {
        category = nativeId >= 1 && nativeId <= NativeTable.Length ? NativeTable[nativeId - 1] : null;
        return category is not null;
    }

    /// <summary>Resolves a native category by name ("brute_force", case-insensitive, "brute-force" too) or id ("1".."16").</summary>
    public static bool TryResolve(string? nameOrId, [NotNullWhen(true)] out Category? category)
    {
        category = null;
        if (string.IsNullOrEmpty(nameOrId) || nameOrId.Length > 32)
        {
            return false;
        }

        if (char.IsAsciiDigit(nameOrId[0]))
        {
            // Plain decimal only: no sign, no leading zero, no whitespace.
            if (nameOrId.Length > 2 || nameOrId[0] == '0' || (nameOrId.Length == 2 && !char.IsAsciiDigit(nameOrId[1])))
            {
                return false;
            }

            var id = nameOrId.Length == 1 ? nameOrId[0] - '0' : ((nameOrId[0] - '0') * 10) + (nameOrId[1] - '0');
            return TryGet(id, out category);
        }

        return ByName.TryGetValue(nameOrId, out category)
            || (nameOrId.Contains('-', StringComparison.Ordinal)
                && ByName.TryGetValue(nameOrId.Replace('-', '_'), out category));
    }

    public static bool TryFromAbuseIpdb(int id, [NotNullWhen(true)] out Category? category)
        => TryFromForeign(AbuseIpdbTable, id, out category);

    public static bool TryFromReportedIp(int id, [NotNullWhen(true)] out Category? category)
        => TryFromForeign(ReportedIpTable, id, out category);

    /// <summary>The AbuseIPDB id a native category is answered with when a report carried no original AbuseIPDB id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not 1–16.</exception>
    public static int ToAbuseIpdb(int nativeId) => NativeToAbuseIpdb[Get(nativeId).Id];

    /// <summary>The ReportedIP id a native category is answered with when a report carried no original ReportedIP id.
    /// ReportedIP's 1–23 are AbuseIPDB's, so this is the same id.</summary>
    public static int ToReportedIp(int nativeId) => ToAbuseIpdb(nativeId);

    public static string SeverityName(Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.VeryHigh => "very_high",
        _ => throw new ArgumentOutOfRangeException(nameof(severity), severity, "unknown severity"),
    };

    /// <summary>Accepts the wire names (case-insensitive, "very-high" too) and "critical" for very_high.</summary>
    public static bool TryParseSeverity(string? text, out Severity severity)
    {
        severity = Severity.Info;
        if (text is null)
        {
            return false;
        }

        if (text.Equals("info", StringComparison.OrdinalIgnoreCase))
        {
            severity = Severity.Info;
        }
        else if (text.Equals("low", StringComparison.OrdinalIgnoreCase))
        {
            severity = Severity.Low;
        }
        else if (text.Equals("medium", StringComparison.OrdinalIgnoreCase))
        {
            severity = Severity.Medium;
        }
        else if (text.Equals("high", StringComparison.OrdinalIgnoreCase))
        {
            severity = Severity.High;
        }
        else if (text.Equals("very_high", StringComparison.OrdinalIgnoreCase)
            || text.Equals("very-high", StringComparison.OrdinalIgnoreCase)
            || text.Equals("critical", StringComparison.OrdinalIgnoreCase))
        {
            severity = Severity.VeryHigh;
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool TryFromForeign(ForeignCategory[] table, int id, [NotNullWhen(true)] out Category? category)
    {
        // Both tables are dense from id 1, so the id is the index.
        if (id >= 1 && id <= table.Length)
        {
            category = NativeTable[table[id - 1].NativeId - 1];
            return true;
        }

        category = null;
        return false;
    }

    private static Dictionary<string, Category> BuildNameIndex()
    {
        var index = new Dictionary<string, Category>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in NativeTable)
        {
            index.Add(category.Name, category);
        }

        return index;
    }
}
