using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Palisade.Core.Categories;
using Palisade.Core.Geo;

namespace Palisade.Core.Blocklists;

/// <summary>
/// Parsers for blocklist parameter values, shared by every face so the rules and messages are the same everywhere.
/// Lists are comma-separated (spaces tolerated, as unencoded clients send them); each parser refuses the whole
/// value with a message naming the offending item and the parameter.
/// </summary>
public static class BlocklistParameters
{
    /// <summary>Largest accepted <c>limit</c>; lists are at most a few million addresses.</summary>
    public const int MaxLimit = 10_000_000;

    public const int MaxAgeDaysLimit = 365;

    private const int MaxListItems = 1000;

    public static bool TryParseScore(string name, string? text, out int score, [NotNullWhen(false)] out string? error)
    {
        score = 0;
        error = null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out score) || score > 100)
        {
            error = $"{name} must be a whole number from 0 to 100 (got '{Shorten(text)}').";
            return false;
        }

        return true;
    }

    public static bool TryParseLimit(string name, string? text, out int limit, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
        {
            error = $"{name} must be a whole number from 1 to {MaxLimit} (got '{Shorten(text)}').";
            return false;
        }

        return true;
    }

    public static bool TryParseMaxAgeDays(string name, string? text, out int days, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days < 1 || days > MaxAgeDaysLimit)
        {
            error = $"{name} must be a whole number of days from 1 to {MaxAgeDaysLimit} (got '{Shorten(text)}').";
            return false;
        }

        return true;
    }

    /// <summary>ISO 3166-1 alpha-2 codes ("US,CN"), case-insensitive; unknown codes are refused.</summary>
    public static bool TryParseCountries(string name, string? text, [NotNullWhen(true)] out IReadOnlySet<string>? countries, [NotNullWhen(false)] out string? error)
    {
        countries = null;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Split(text))
        {
            if (!CountryCatalog.TryGet(item, out var country))
            {
                error = $"{name}: '{Shorten(item)}' is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, CN).";
                return false;
            }

            set.Add(country.Code);
        }

        return Finish(name, set, out countries, out error);
    }

    /// <summary>AS numbers, with or without the "AS" prefix ("4134,AS4837").</summary>
    public static bool TryParseAsns(string name, string? text, [NotNullWhen(true)] out IReadOnlySet<uint>? asns, [NotNullWhen(false)] out string? error)
    {
        asns = null;
        var set = new HashSet<uint>();
        foreach (var item in Split(text))
        {
            var digits = item.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? item[2..] : item;
            if (!uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var asn) || asn == 0)
            {
                error = $"{name}: '{Shorten(item)}' is not an AS number (e.g. 13335 or AS13335).";
                return false;
            }

            set.Add(asn);
        }

        return Finish(name, set, out asns, out error);
    }

    public static bool TryParseIpVersion(string name, string? text, out IpVersionFilter version, [NotNullWhen(false)] out string? error)
    {
        error = null;
        version = text?.Trim().ToLowerInvariant() switch
        {
            "4" or "v4" or "ipv4" => IpVersionFilter.V4,
            "6" or "v6" or "ipv6" => IpVersionFilter.V6,
            "mixed" or "all" or "both" => IpVersionFilter.Mixed,
            _ => (IpVersionFilter)(-1),
        };
        if ((int)version == -1)
        {
            version = IpVersionFilter.Mixed;
            error = $"{name} must be 4, 6 or mixed (got '{Shorten(text)}').";
            return false;
        }

        return true;
    }

    /// <summary>Protocol names ("ssh,http"), lower-cased: letters, digits, '-', '_' and '.', up to 32 characters.</summary>
    public static bool TryParseProtocols(string name, string? text, [NotNullWhen(true)] out IReadOnlySet<string>? protocols, [NotNullWhen(false)] out string? error)
    {
        protocols = null;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Split(text))
        {
            if (item.Length > 32 || !item.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                error = $"{name}: '{Shorten(item)}' is not a protocol name (e.g. ssh, http).";
                return false;
            }

            set.Add(item.ToLowerInvariant());
        }

        return Finish(name, set, out protocols, out error);
    }

    /// <summary>Native categories by name or id ("brute_force,2").</summary>
    public static bool TryParseCategories(string name, string? text, [NotNullWhen(true)] out IReadOnlySet<int>? categories, [NotNullWhen(false)] out string? error)
    {
        categories = null;
        var set = new HashSet<int>();
        foreach (var item in Split(text))
        {
            if (!CategoryCatalog.TryResolve(item, out var category))
            {
                error = $"{name}: '{Shorten(item)}' is not a category (a name such as brute_force or an id from 1 to 16).";
                return false;
            }

            set.Add(category.Id);
        }

        return Finish(name, set, out categories, out error);
    }

    public static bool TryParseSeverity(string name, string? text, out Severity severity, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (!CategoryCatalog.TryParseSeverity(text?.Trim(), out severity))
        {
            error = $"{name} must be one of info, low, medium, high, very_high (got '{Shorten(text)}').";
            return false;
        }

        return true;
    }

    public static bool TryParseFormat(string name, string? text, out BlocklistFormat format, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "json":
                format = BlocklistFormat.Json;
                return true;
            case "plaintext" or "plain" or "text" or "txt":
                format = BlocklistFormat.Plaintext;
                return true;
            case "csv":
                format = BlocklistFormat.Csv;
                return true;
            case "ipset":
                format = BlocklistFormat.Ipset;
                return true;
            case "iptables":
                format = BlocklistFormat.Iptables;
                return true;
            case "nftables" or "nft":
                format = BlocklistFormat.Nftables;
                return true;
            case "nginx":
                format = BlocklistFormat.Nginx;
                return true;
            case "nginx-geo" or "nginx_geo" or "nginxgeo":
                format = BlocklistFormat.NginxGeo;
                return true;
            case "csf":
                format = BlocklistFormat.Csf;
                return true;
            case "iptables-restore" or "iptables_restore":
                format = BlocklistFormat.IptablesRestore;
                return true;
            case "ip6tables-restore" or "ip6tables_restore":
                format = BlocklistFormat.Ip6tablesRestore;
                return true;
            default:
                format = BlocklistFormat.Json;
                error = $"{name} '{Shorten(text)}' is not a blocklist format; use one of json, plaintext, csv, ipset, iptables, iptables-restore, ip6tables-restore, nftables, nginx, nginx-geo, csf.";
                return false;
        }
    }

    /// <summary>The wire name of a format (as accepted by <see cref="TryParseFormat"/>).</summary>
    public static string FormatName(BlocklistFormat format) => format switch
    {
        BlocklistFormat.NginxGeo => "nginx-geo",
        BlocklistFormat.IptablesRestore => "iptables-restore",
        BlocklistFormat.Ip6tablesRestore => "ip6tables-restore",
        _ => format.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Narrows a query to the one address family a format holds (iptables-restore: IPv4, ip6tables-restore: IPv6), so
    /// the list, its count and its charge are of addresses that are sent; an <c>ipVersion</c> asking for the other
    /// family is an error.
    /// </summary>
    public static bool TryNarrowToFormat(BlocklistQuery query, BlocklistFormat format, out BlocklistQuery narrowed, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        narrowed = query;
        error = null;
        var family = format switch
        {
            BlocklistFormat.IptablesRestore => IpVersionFilter.V4,
            BlocklistFormat.Ip6tablesRestore => IpVersionFilter.V6,
            _ => IpVersionFilter.Mixed,
        };
        if (family == IpVersionFilter.Mixed)
        {
            return true;
        }

        if (query.IpVersion != IpVersionFilter.Mixed && query.IpVersion != family)
        {
            error = $"format={FormatName(format)} holds IPv{(int)family} addresses only; use " +
                $"{(family == IpVersionFilter.V4 ? "ip6tables-restore" : "iptables-restore")} for IPv{(int)query.IpVersion}.";
            return false;
        }

        narrowed = query with { IpVersion = family };
        return true;
    }

    private static bool Finish<T>(string name, HashSet<T> set, [NotNullWhen(true)] out IReadOnlySet<T>? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        if (set.Count > MaxListItems)
        {
            error = $"{name} lists more than {MaxListItems} values.";
            return false;
        }

        error = null;
        result = set;
        return true;
    }

    private static string[] Split(string? text)
        => string.IsNullOrWhiteSpace(text) ? [] : text.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Shorten(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "…" : text;
}
