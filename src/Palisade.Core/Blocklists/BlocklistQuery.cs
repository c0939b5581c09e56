using System.Globalization;
using System.Text;
using Palisade.Core.Categories;

namespace Palisade.Core.Blocklists;

/// <summary>
/// The filters of a blocklist (SPEC §4), face-neutral: each face maps its own parameter names onto this record
/// (the value parsers in <see cref="BlocklistParameters"/> give every face the same rules and messages).
/// Sets hold canonical values: upper-case country codes, lower-case protocols, native category ids.
/// </summary>
public sealed record BlocklistQuery
{
    public static readonly BlocklistQuery Default = new();

    /// <summary>Lowest score (0–100) listed; SikkerAPI's default is 50.</summary>
    public int ScoreMinimum { get; init; } = 50;

    /// <summary>At most this many entries, best first; null for all.</summary>
    public int? Limit { get; init; }

    public IReadOnlySet<string>? OnlyCountries { get; init; }

    public IReadOnlySet<string>? ExceptCountries { get; init; }

    public IReadOnlySet<uint>? OnlyAsns { get; init; }

    public IReadOnlySet<uint>? ExceptAsns { get; init; }

    public IpVersionFilter IpVersion { get; init; }

    /// <summary>Only addresses reported with at least one of these protocols.</summary>
    public IReadOnlySet<string>? Protocols { get; init; }

    /// <summary>Only addresses reported in at least one of these native categories.</summary>
    public IReadOnlySet<int>? Categories { get; init; }

    /// <summary>Only addresses whose most severe reported behaviour is at least this.</summary>
    public Severity? MinSeverity { get; init; }

    /// <summary>Only addresses seen within this many days.</summary>
    public int? MaxAgeDays { get; init; }

    /// <summary>Only addresses first seen at least this long ago (a false-positive cool-down: ReportedIP lists an address
    /// only after 48 hours of observation).</summary>
    public TimeSpan? ObservedFor { get; init; }

    /// <summary>Rank and filter by the raw score, before the whitelist discount.</summary>
    public bool IgnoreWhitelist { get; init; }

    /// <summary>A canonical text of every filter except <see cref="Limit"/>: equal filters, equal key (caches, ETags).</summary>
    public string FilterKey
    {
        get
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"s{ScoreMinimum};v{(int)IpVersion};w{(IgnoreWhitelist ? 1 : 0)};");
            Append(text, "oc", OnlyCountries);
            Append(text, "xc", ExceptCountries);
            Append(text, "oa", OnlyAsns?.Select(a => a.ToString(CultureInfo.InvariantCulture)));
            Append(text, "xa", ExceptAsns?.Select(a => a.ToString(CultureInfo.InvariantCulture)));
            Append(text, "p", Protocols);
            Append(text, "c", Categories?.Select(c => c.ToString(CultureInfo.InvariantCulture)));
            if (MinSeverity is { } severity)
            {
                text.Append(CultureInfo.InvariantCulture, $"sev{(int)severity};");
            }

            if (MaxAgeDays is { } days)
            {
                text.Append(CultureInfo.InvariantCulture, $"age{days};");
            }

            if (ObservedFor is { } observed)
            {
                text.Append(CultureInfo.InvariantCulture, $"obs{(long)observed.TotalSeconds};");
            }

            return text.ToString();
        }
    }

    /// <summary>Whether the query needs more than the score (and family) to decide on an entry.</summary>
    internal bool HasEntryFilters => OnlyCountries is { Count: > 0 } || ExceptCountries is { Count: > 0 } || OnlyAsns is { Count: > 0 } ||
        ExceptAsns is { Count: > 0 } || Protocols is { Count: > 0 } || Categories is { Count: > 0 } || MinSeverity is not null ||
        MaxAgeDays is not null || ObservedFor is not null || IpVersion != IpVersionFilter.Mixed;

    /// <summary>Whether membership changes with time alone (age windows), not only with the data.</summary>
    internal bool DependsOnTime => MaxAgeDays is not null || ObservedFor is not null;

    /// <summary>Whether an entry belongs on the list at <paramref name="now"/>.</summary>
    public bool Matches(in BlocklistEntry entry, DateTimeOffset now)
    {
        if ((IgnoreWhitelist ? entry.RawScore : entry.Score) < ScoreMinimum)
        {
            return false;
        }

        if ((IpVersion == IpVersionFilter.V4 && entry.IsIPv6) || (IpVersion == IpVersionFilter.V6 && !entry.IsIPv6))
        {
            return false;
        }

        if (OnlyCountries is { Count: > 0 } && (entry.CountryCode is not { } only || !OnlyCountries.Contains(only)))
        {
            return false;
        }

        if (ExceptCountries is { Count: > 0 } && entry.CountryCode is { } except && ExceptCountries.Contains(except))
        {
            return false;
        }

        if (OnlyAsns is { Count: > 0 } && (entry.Asn is not { } onlyAsn || !OnlyAsns.Contains(onlyAsn)))
        {
            return false;
        }

        if (ExceptAsns is { Count: > 0 } && entry.Asn is { } exceptAsn && ExceptAsns.Contains(exceptAsn))
        {
            return false;
        }

        if (MinSeverity is { } minimum && entry.MaxSeverity < minimum)
        {
            return false;
        }

        if (MaxAgeDays is { } days && now - entry.LastSeen > TimeSpan.FromDays(days))
        {
            return false;
        }

        if (ObservedFor is { } observed && now - entry.FirstSeen < observed)
        {
            return false;
        }

        if (Categories is { Count: > 0 } && !Categories.Any(entry.HasCategory))
        {
            return false;
        }

        if (Protocols is { Count: > 0 })
        {
            foreach (var protocol in entry.ProtocolSpan)
            {
                if (Protocols.Contains(protocol))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }

    private static void Append(StringBuilder text, string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return;
        }

        var sorted = values.Order(StringComparer.Ordinal).ToList();
        if (sorted.Count > 0)
        {
            text.Append(name).Append('=').AppendJoin(',', sorted).Append(';');
        }
    }
}
