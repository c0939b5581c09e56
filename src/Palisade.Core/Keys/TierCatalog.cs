using Palisade.Core.Scoring;

namespace Palisade.Core.Keys;

/// <summary>
/// The configured tiers. Defaults follow SPEC §2: free as SikkerAPI's free tier, contributor and professional as
/// ReportedIP's table, business as SikkerAPI's large business tier, enterprise and honeypot unlimited.
/// </summary>
public sealed class TierCatalog
{
    private readonly Dictionary<string, Tier> _tiers;

    public TierCatalog(IEnumerable<Tier> tiers)
    {
        _tiers = tiers.ToDictionary(t => t.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<Tier> All => _tiers.Values;

    public bool TryGet(string id, out Tier tier) => _tiers.TryGetValue(id, out tier!);

    public static TierCatalog Default { get; } = new(DefaultTiers());

    private static IEnumerable<Tier> DefaultTiers()
    {
        HashSet<Feature> everything = [.. Enum.GetValues<Feature>()];
        yield return new Tier
        {
            Id = "free",
            DisplayName = "Free",
            DailyLimits = Limits(1_000, 1_000, 5_000, 1_000),
            Features = everything,
            Trust = 0.6,
        };
        yield return Make("contributor", "Contributor", 5_000, 200, 50_000, 5_000, everything, 1.0);
        yield return Make("professional", "Professional", 25_000, 1_000, 150_000, 25_000, everything, 1.0);
        yield return Make("business", "Business", 100_000, 10_000, 350_000, 100_000, everything, 1.0);
        yield return Make("enterprise", "Enterprise", null, null, null, null, everything, 1.0);
        yield return new Tier
        {
            Id = "honeypot",
            DisplayName = "Honeypot",
            DailyLimits = Limits(null, null, null, null),
            Features = everything,
            Trust = 1.0,
            ReporterKind = ReporterKind.Sensor,
        };

        // The operator's own servers (docs/scoring.md "The operator's own servers"): trusted as configured from the first
        // report, so three of them agreeing on one brute force list the address at 50.
        yield return new Tier
        {
            Id = "private",
            DisplayName = "Private",
            DailyLimits = Limits(null, null, null, null),
            Features = everything,
            Trust = 1.1,
            Vouched = true,
        };
    }

    private static Tier Make(string id, string name, long? check, long? report, long? blacklist, long? taxii, HashSet<Feature> features, double trust) => new()
    {
        Id = id,
        DisplayName = name,
        DailyLimits = Limits(check, report, blacklist, taxii),
        Features = features,
        Trust = trust,
    };

    private static Dictionary<QuotaFamily, long?> Limits(long? check, long? report, long? blacklist, long? taxii) => new()
    {
        [QuotaFamily.Check] = check,
        [QuotaFamily.Report] = report,
        [QuotaFamily.Blacklist] = blacklist,
        [QuotaFamily.Taxii] = taxii,
    };
}
