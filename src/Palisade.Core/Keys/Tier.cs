using Palisade.Core.Scoring;

namespace Palisade.Core.Keys;

/// <summary>
/// A tier: daily quota per family (null = unlimited), the features it may use, and how much its reports are trusted.
/// </summary>
public sealed class Tier
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    public IReadOnlyDictionary<QuotaFamily, long?> DailyLimits { get; init; } = new Dictionary<QuotaFamily, long?>();

    public IReadOnlySet<Feature> Features { get; init; } = new HashSet<Feature>();

    /// <summary>Base trust of this tier's reports before key age and history (see <see cref="ReporterTrust"/>).</summary>
    public double Trust { get; init; } = 1.0;

    /// <summary>Sensor tiers (honeypots) send observations, which weigh more than community reports.</summary>
    public ReporterKind ReporterKind { get; init; } = ReporterKind.Community;

    /// <summary>
    /// The operator vouches for every key of this tier (the "private" profile: the operator's own servers): its trust is the
    /// tier's, without the new-reporter and corroboration discounts. Never applies to self-service (dashboard) keys.
    /// </summary>
    public bool Vouched { get; init; }

    /// <summary>Reporters of this tier seen in (or created from) one network count together as at most
    /// <see cref="ScoringOptions.NetworkReporterCap"/> reporters. Always so for self-service keys.</summary>
    public bool GroupByNetwork { get; init; }

    public long? LimitFor(QuotaFamily family) => DailyLimits.TryGetValue(family, out var limit) ? limit : null;

    public bool Allows(Feature feature) => Features.Contains(feature);
}
