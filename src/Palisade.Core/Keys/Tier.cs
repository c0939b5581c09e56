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

    public long? LimitFor(QuotaFamily family) => DailyLimits.TryGetValue(family, out var limit) ? limit : null;

    public bool Allows(Feature feature) => Features.Contains(feature);
}
