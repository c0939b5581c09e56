using Palisade.Core.Keys;
using Palisade.Core.Scoring;

namespace Palisade.Server.Hosting;

/// <summary>Applies configured tier overrides on top of the defaults; unknown tier ids in configuration add new tiers.</summary>
internal static class TierConfiguration
{
    public static TierCatalog Build(IReadOnlyDictionary<string, TierSettings> settings)
    {
        var tiers = TierCatalog.Default.All.ToDictionary(t => t.Id, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, tier) in settings)
        {
            var baseline = tiers.GetValueOrDefault(id) ?? tiers["free"];
            var limits = new Dictionary<QuotaFamily, long?>(baseline.DailyLimits);
            foreach (var (familyName, value) in tier.Limits)
            {
                if (!QuotaFamilies.TryParse(familyName, out var family))
                {
                    throw new InvalidOperationException($"Tier '{id}': unknown quota family '{familyName}' (check, report, blacklist, taxii).");
                }

                limits[family.Value] = value < 0 ? null : value;
            }

            var features = baseline.Features;
            if (tier.Features is { } names)
            {
                features = names.Select(n => Enum.TryParse<Feature>(n, ignoreCase: true, out var f)
                    ? f
                    : throw new InvalidOperationException($"Tier '{id}': unknown feature '{n}'.")).ToHashSet();
            }

            tiers[id] = new Tier
            {
                Id = id.ToLowerInvariant(),
                DisplayName = tier.DisplayName ?? baseline.DisplayName,
                DailyLimits = limits,
                Features = features,
                Trust = tier.Trust ?? baseline.Trust,
                ReporterKind = tier.Sensor is { } sensor ? (sensor ? ReporterKind.Sensor : ReporterKind.Community) : baseline.ReporterKind,
                Vouched = tier.Vouched ?? baseline.Vouched,
                GroupByNetwork = tier.GroupByNetwork ?? baseline.GroupByNetwork,
            };
        }

        return new TierCatalog(tiers.Values);
    }
}
