using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using Palisade.Core.Categories;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Scoring;

/// <summary>
/// The confidence score (0–100) of one address from its evidence. Pure: the same evidence, time and whitelist give
/// the same breakdown, whatever the order of the evidence. The method is documented with worked examples in docs/scoring.md.
/// </summary>
public sealed class ScoreCalculator
{
    private readonly Func<int, Category> _categoryLookup;

    // Categories are immutable, so a racy fill of this cache is harmless; it spares a lookup per evidence item.
    private readonly Category?[] _categoryCache = new Category?[64];

    public ScoreCalculator(ScoringOptions options)
        : this(options, CategoryCatalog.Get)
    {
    }

    /// <param name="options">Tunables.</param>
    /// <param name="categoryLookup">Native category by id (severity and name); <see cref="CategoryCatalog.Get"/> by default.</param>
    public ScoreCalculator(ScoringOptions options, Func<int, Category> categoryLookup)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(categoryLookup);
        Options = options;
        _categoryLookup = categoryLookup;
    }

    public ScoringOptions Options { get; }

    /// <summary>The saturation curve: <c>round(100 × (1 − e^(−raw / scale)))</c>, clamped to 0..100.</summary>
    public static int Saturate(double raw, double scale = 70)
    {
        if (double.IsNaN(raw) || raw <= 0 || scale <= 0)
            return raw > 0 && scale <= 0 ? 100 : 0;
        return Math.Clamp((int)Math.Round(100 * (1 - Math.Exp(-raw / scale)), MidpointRounding.AwayFromZero), 0, 100);
    }

    /// <summary>The weight of evidence <paramref name="ageDays"/> old: <c>0.5^(ageDays / halfLifeDays)</c>; 1 when decay is off.</summary>
    public static double DecayWeight(double ageDays, double halfLifeDays)
    {
        if (halfLifeDays <= 0 || double.IsNaN(halfLifeDays) || ageDays <= 0)
            return 1;
        return Math.Exp(-Math.Log(2) * ageDays / halfLifeDays);
    }

    /// <param name="evidence">Every retained report and observation of the address.</param>
    /// <param name="now">The time decay is measured to.</param>
    /// <param name="whitelist">The whitelist entry the address falls in, if any.</param>
    public ScoreBreakdown Calculate(IReadOnlyList<Evidence> evidence, DateTimeOffset now, WhitelistEntry? whitelist)
        => Calculate(SpanOf(evidence), now, whitelist);

    /// <inheritdoc cref="Calculate(IReadOnlyList{Evidence}, DateTimeOffset, WhitelistEntry?)"/>
    public ScoreBreakdown Calculate(ReadOnlySpan<Evidence> evidence, DateTimeOffset now, WhitelistEntry? whitelist)
    {
        var n = evidence.Length;
        // One pooled buffer for all items: sensors fill it from the front, community reports from the back.
        var items = ArrayPool<Item>.Shared.Rent(Math.Max(n, 1));
        try
        {
            var components = new List<ScoreComponent>();
            var r = Compute(evidence, items, now, whitelist, components);
            return r.IsZero
                ? ScoreBreakdown.Zero
                : new ScoreBreakdown(r.Score, r.RawScore, r.Sensor, r.Community, r.Cross, r.Raw, r.Floor, r.Multiplier, r.WhitelistName, components);
        }
        finally
        {
            ArrayPool<Item>.Shared.Return(items);
        }
    }

    /// <summary>
    /// The same <see cref="ScoreBreakdown.Score"/> and <see cref="ScoreBreakdown.RawScore"/> as
    /// <see cref="Calculate(IReadOnlyList{Evidence}, DateTimeOffset, WhitelistEntry?)"/>, computed by the same code, without
    /// building the explanation (components and their text). For blocklists, which need two numbers for a million addresses.
    /// </summary>
    public CompactScore CalculateCompact(IReadOnlyList<Evidence> evidence, DateTimeOffset now, WhitelistEntry? whitelist)
        => CalculateCompact(SpanOf(evidence), now, whitelist);

    /// <inheritdoc cref="CalculateCompact(IReadOnlyList{Evidence}, DateTimeOffset, WhitelistEntry?)"/>
    /// <remarks>Evidence as a span: a caller's pooled buffer is not boxed per call (a full blocklist build scores every address).</remarks>
    public CompactScore CalculateCompact(ReadOnlySpan<Evidence> evidence, DateTimeOffset now, WhitelistEntry? whitelist)
    {
        var items = ArrayPool<Item>.Shared.Rent(Math.Max(evidence.Length, 1));
        try
        {
            var r = Compute(evidence, items, now, whitelist, components: null);
            return new CompactScore(r.Score, r.RawScore);
        }
        finally
        {
            ArrayPool<Item>.Shared.Return(items);
        }
    }

    private static ReadOnlySpan<Evidence> SpanOf(IReadOnlyList<Evidence> evidence) => evidence switch
    {
        null => throw new ArgumentNullException(nameof(evidence)),
        Evidence[] array => array,
        List<Evidence> list => CollectionsMarshal.AsSpan(list),
        _ => evidence.ToArray(),
    };

    /// <summary>The numbers of a score; <paramref name="components"/> (the explanation) is filled only when given.</summary>
    private Result Compute(ReadOnlySpan<Evidence> evidence, Item[] items, DateTimeOffset now, WhitelistEntry? whitelist, List<ScoreComponent>? components)
    {
        var o = Options;
        var n = evidence.Length;
        var sensorEnd = 0;
        var communityStart = items.Length;
        var feed = 0;
        double trustSum = 0, retainedSum = 0, oldestDays = 0;
        double sensorCriticalQ = 0, communityCriticalQ = 0;
        Category? sensorCritical = null, communityCritical = null;
        // Community items carry their severity relative to "high", so one fresh high report of trust 1 is one report-equivalent.
        var highWeight = o.WeightHigh > 0 ? o.WeightHigh : 1;
        // Sensor behaviours are grouped by an integer key (category × protocol index) so sorting never compares strings.
        // Made on the first protocol: most addresses have none (community reports only).
        List<string>? protocols = null;

        for (var i = 0; i < n; i++)
        {
            var e = evidence[i];
            if (e.Source == ReportSource.Feed)
            {
                // Lists must not feed each other (no circular reporting): feed reports are shown, never scored.
                feed++;
                continue;
            }

            var trust = double.IsNaN(e.ReporterTrust) ? 0 : Math.Clamp(e.ReporterTrust, 0, ReporterTrust.Max);
            var ageDays = Math.Max(0, (now - e.At).TotalDays);
            var q = DecayWeight(ageDays, o.HalfLifeDays) * trust;
            trustSum += trust;
            retainedSum += q;
            oldestDays = Math.Max(oldestDays, ageDays);
            var category = CategoryOf(e.CategoryId);

            if (e.Kind == ReporterKind.Sensor)
            {
                if (category.Severity == Severity.VeryHigh && q > sensorCriticalQ)
                    (sensorCriticalQ, sensorCritical) = (q, category);
                items[sensorEnd++] = new Item(e.ReporterId, ((long)e.CategoryId << 32) | (uint)ProtocolIndex(ref protocols, e.Protocol), q);
            }
            else
            {
                // Provisional reporters never set the floor: any number of them must stay below the blocklist thresholds.
                if (category.Severity == Severity.VeryHigh && q > communityCriticalQ && !e.Provisional)
                    (communityCriticalQ, communityCritical) = (q, category);
                items[--communityStart] = new Item(e.ReporterId, e.Network, q * o.WeightOf(category.Severity) / highWeight, e.Provisional);
            }
        }

        var included = sensorEnd + (items.Length - communityStart);
        if (included == 0 && feed == 0 && whitelist is null)
            return new Result(0, 0, 0, 0, 1, 0, 0, 1, null, IsZero: true);

        // Sensor evidence: behaviours, diversity of behaviours, diversity of protocols.
        var sensor = 0.0;
        if (sensorEnd > 0)
        {
            var span = items.AsSpan(0, sensorEnd);
            span.Sort(static (a, b) =>
            {
                var c = a.Group.CompareTo(b.Group);
                if (c == 0)
                    c = a.Reporter.CompareTo(b.Reporter);
                return c != 0 ? c : b.Q.CompareTo(a.Q);
            });
            sensor = SensorEvidence(span, protocols, components);
        }

        // Community evidence: distinct reporters, each with diminishing volume and a ceiling.
        var community = 0.0;
        if (communityStart < items.Length)
        {
            var span = items.AsSpan(communityStart);
            span.Sort(static (a, b) =>
            {
                var c = a.Group.CompareTo(b.Group);
                if (c == 0)
                    c = a.Reporter.CompareTo(b.Reporter);
                return c != 0 ? c : b.Q.CompareTo(a.Q);
            });
            community = CommunityEvidence(span, components);
        }

        var cross = 1.0;
        if (sensor > 0 && community > 0)
        {
            // Scaled by the weaker signal: a stray report barely moves a strong sensor score, and vice versa.
            var weaker = Math.Min(sensor, community);
            var share = o.CrossSourceFullAt > 0 ? Math.Min(1, weaker / o.CrossSourceFullAt) : 1;
            cross = 1 + (Math.Max(0, o.CrossSourceMaxBonus) * share);
            components?.Add(new ScoreComponent("cross-source", cross, string.Create(CultureInfo.InvariantCulture,
                $"sensors and reporters agree: weaker signal {weaker:F1} raw → ×{cross:F3} (at most ×{1 + o.CrossSourceMaxBonus:F2}, reached at {o.CrossSourceFullAt:F0} raw)")));
        }

        var raw = (sensor + community) * cross;

        if (included > 0)
        {
            components?.Add(o.HalfLifeDays > 0
                ? new ScoreComponent("decay", trustSum > 0 ? retainedSum / trustSum : 1, string.Create(CultureInfo.InvariantCulture,
                    $"half-life {o.HalfLifeDays:0.##} days: {(trustSum > 0 ? 100 * retainedSum / trustSum : 100):F0}% of evidence weight retained; oldest item {oldestDays:F1} days old (weight {DecayWeight(oldestDays, o.HalfLifeDays):F3})"))
                : new ScoreComponent("decay", 1, "decay disabled (half-life 0): evidence keeps its full weight"));
        }

        if (feed > 0)
        {
            components?.Add(new ScoreComponent("feed reports", 0, string.Create(CultureInfo.InvariantCulture,
                $"{feed} report(s) seen on a list (source feed) are ignored: feed reports never raise the score")));
        }

        var saturated = Saturate(raw, o.SaturationScale);
        if (included > 0)
        {
            components?.Add(new ScoreComponent("saturation", saturated, string.Create(CultureInfo.InvariantCulture,
                $"raw {raw:F1} = ({sensor:F1} sensor + {community:F1} community) × {cross:F3} → 100 × (1 − e^(−{raw:F1}/{o.SaturationScale:0.##})) = {saturated}")));
        }

        var floor = CriticalFloor(sensorCriticalQ, sensorCritical, communityCriticalQ, communityCritical, components);
        var rawScore = Math.Clamp(Math.Max(saturated, floor), 0, 100);

        var multiplier = 1.0;
        string? whitelistName = null;
        var score = rawScore;
        if (whitelist is not null && (whitelist.ExpiresAt is null || whitelist.ExpiresAt > now))
        {
            multiplier = double.IsNaN(whitelist.Multiplier) ? 1 : Math.Clamp(whitelist.Multiplier, 0, 1);
            whitelistName = whitelist.Name;
            score = Math.Clamp((int)Math.Round(rawScore * multiplier, MidpointRounding.AwayFromZero), 0, 100);
            components?.Add(new ScoreComponent("whitelist", multiplier, string.Create(CultureInfo.InvariantCulture,
                $"{whitelist.Name} ({whitelist.Source}): {rawScore} × {multiplier:0.###} = {score}; ignoreWhitelist=true returns {rawScore}")));
        }

        return new Result(score, rawScore, sensor, community, cross, raw, floor, multiplier, whitelistName, IsZero: false);
    }

    /// <summary>Items are sorted by behaviour, then sensor, then weight descending.</summary>
    private double SensorEvidence(ReadOnlySpan<Item> items, List<string>? protocolNames, List<ScoreComponent>? components)
    {
        var o = Options;
        var cap = Math.Max(0, o.SensorCountCap);
        var behaviours = new List<BehaviourTotal>();
        var i = 0;
        while (i < items.Length)
        {
            var group = items[i].Group;
            double scaled = 0, presence = 0;
            int observations = 0, sensors = 0;
            while (i < items.Length && items[i].Group == group)
            {
                // Per sensor: the k-th strongest observation adds min(√k, cap) − min(√(k−1), cap), so n equal observations
                // give min(√n, cap) and decay stays linear (an observation one half-life old adds exactly half).
                var reporter = items[i].Reporter;
                sensors++;
                var k = 0;
                while (i < items.Length && items[i].Reporter == reporter && items[i].Group == group)
                {
                    k++;
                    var step = Math.Min(Math.Sqrt(k), cap) - Math.Min(Math.Sqrt(k - 1), cap);
                    scaled += step * items[i].Q;
                    presence = Math.Max(presence, items[i].Q);
                    observations++;
                    i++;
                }
            }

            var cat = CategoryOf((int)(group >> 32));
            var protocolIndex = (int)(uint)group;
            var weight = o.WeightOf(cat.Severity);
            behaviours.Add(new BehaviourTotal(cat, protocolIndex == 0 ? null : protocolNames![protocolIndex - 1], weight, scaled, weight * scaled, presence, observations, sensors));
        }

        // Strongest behaviour first, so the breakdown reads top-down.
        behaviours.Sort(static (a, b) =>
        {
            var c = b.Contribution.CompareTo(a.Contribution);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });

        var total = 0.0;
        double presenceSum = 0, presenceMax = 0;
        var distinct = 0;
        var protocols = new List<(string Protocol, double Presence)>();
        foreach (var b in behaviours)
        {
            total += b.Contribution;
            components?.Add(new ScoreComponent("behaviour " + b.Name, b.Contribution, string.Create(CultureInfo.InvariantCulture,
                $"{SeverityName(b.Category.Severity)} ({b.Weight:0.##}) × {b.Scaled:F2} (sqrt-scaled count, cap {o.SensorCountCap:0.##} per sensor; weighted by trust and age) from {b.Observations} observation(s) by {b.Sensors} sensor(s)")));
            presenceSum += b.Presence;
            presenceMax = Math.Max(presenceMax, b.Presence);
            if (b.Presence > 0)
                distinct++;
            if (b.Protocol is null)
                continue;
            var at = protocols.FindIndex(p => StringComparer.OrdinalIgnoreCase.Equals(p.Protocol, b.Protocol));
            if (at < 0)
                protocols.Add((b.Protocol, b.Presence));
            else if (b.Presence > protocols[at].Presence)
                protocols[at] = (b.Protocol, b.Presence);
        }

        // Each behaviour beyond the strongest adds the bonus, weighted by its strongest observation (trust × decay),
        // which keeps decay linear here too.
        if (behaviours.Count > 1)
        {
            var bonus = o.BehaviourDiversityBonus * (presenceSum - presenceMax);
            total += bonus;
            components?.Add(new ScoreComponent("diversity bonus", bonus, string.Create(CultureInfo.InvariantCulture,
                $"{distinct} distinct behaviours: +{o.BehaviourDiversityBonus:0.##} for each beyond the strongest, weighted by trust and age")));
        }

        if (protocols.Count > 1)
        {
            double sum = 0, max = 0;
            foreach (var p in protocols)
            {
                sum += p.Presence;
                max = Math.Max(max, p.Presence);
            }

            var bonus = o.ProtocolDiversityBonus * (sum - max);
            total += bonus;
            components?.Add(new ScoreComponent("protocol diversity", bonus, string.Create(CultureInfo.InvariantCulture,
                $"{protocols.Count} protocols ({string.Join(", ", protocols.Select(p => p.Protocol))}): +{o.ProtocolDiversityBonus:0.##} for each beyond the strongest, weighted by trust and age")));
        }

        return total;
    }

    /// <summary>Items are sorted by network group, then reporter, then weight descending (weight = trust × decay × severity
    /// relative to high).</summary>
    private double CommunityEvidence(ReadOnlySpan<Item> items, List<ScoreComponent>? components)
    {
        var o = Options;
        var ceiling = Math.Max(0, o.CommunityReporterCeiling);
        var perReport = Math.Max(0, o.CommunityReportWeight);
        var factor = Math.Max(0, o.CommunityVolumeFactor);
        var groupCap = Math.Max(1, o.NetworkReporterCap);
        double established = 0, provisional = 0, strongest = 0;
        int reporters = 0, atCeiling = 0, grouped = 0, provisionalReporters = 0;
        // Contributions of the reporters of the current network group, to keep its strongest groupCap. Pooled: a full
        // blocklist build scores every address, and a list here was two allocations each.
        var buffer = ArrayPool<(double Contribution, bool Provisional)>.Shared.Rent(items.Length);
        var i = 0;
        while (i < items.Length)
        {
            var network = items[i].Group;
            var count = 0;
            while (i < items.Length && items[i].Group == network)
            {
                var reporter = items[i].Reporter;
                var isProvisional = items[i].Provisional;
                reporters++;
                var volume = 0.0;
                var k = 0;
                for (; i < items.Length && items[i].Reporter == reporter && items[i].Group == network; i++)
                {
                    // Once at the ceiling, further reports of this reporter cannot change anything.
                    if (perReport * volume >= ceiling)
                        continue;
                    k++;
                    // Report-equivalents: 1 + factor × ln(n) for n equal reports; the k-th strongest adds factor × ln(k/(k−1)).
                    var step = k == 1 ? 1 : factor * Math.Log(k / (k - 1.0));
                    volume += step * items[i].Q;
                }

                var contribution = Math.Min(ceiling, perReport * volume);
                if (contribution >= ceiling && ceiling > 0)
                    atCeiling++;
                strongest = Math.Max(strongest, contribution);
                buffer[count++] = (contribution, isProvisional);
            }

            // One network (a /24 or /48, or accounts created from it) counts as at most groupCap reporters: its strongest.
            var group = buffer.AsSpan(0, count);
            if (network != 0 && count > groupCap)
            {
                group.Sort(static (a, b) => b.Contribution.CompareTo(a.Contribution));
                grouped += count - groupCap;
                group = group[..groupCap];
            }

            foreach (var (contribution, isProvisional) in group)
            {
                if (isProvisional)
                {
                    provisional += contribution;
                    provisionalReporters++;
                }
                else
                {
                    established += contribution;
                }
            }
        }

        ArrayPool<(double Contribution, bool Provisional)>.Shared.Return(buffer);
        var provisionalCap = Math.Max(0, o.ProvisionalCeiling);
        var total = established + Math.Min(provisional, provisionalCap);
        if (components is not null)
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{reporters} distinct reporter(s), {items.Length} report(s): each adds {o.CommunityReportWeight:0.##} × (1 + {o.CommunityVolumeFactor:0.##} × ln(reports)), weighted by trust, age and severity, at most {o.CommunityReporterCeiling:0.##}; strongest reporter {strongest:F1}, {atCeiling} at the ceiling");
            if (grouped > 0)
                detail += string.Create(CultureInfo.InvariantCulture, $"; {grouped} reporter(s) not counted (at most {groupCap} per network)");
            if (provisionalReporters > 0)
                detail += string.Create(CultureInfo.InvariantCulture, $"; {provisionalReporters} provisional reporter(s): {Math.Min(provisional, provisionalCap):F1} of {provisional:F1} raw (provisional reporters together at most {provisionalCap:0.##})");
            components.Add(new ScoreComponent("community reporters", total, detail));
        }

        return total;
    }

    private int CriticalFloor(double sensorQ, Category? sensorCategory, double communityQ, Category? communityCategory, List<ScoreComponent>? components)
    {
        var o = Options;
        // The floor fades with the evidence that set it (trust × decay, capped at 1), so an old or untrusted sighting
        // does not pin the score.
        var sensorFloor = (int)Math.Round(Math.Max(0, o.SensorCriticalFloor) * Math.Min(1, sensorQ), MidpointRounding.AwayFromZero);
        // Never above what one reporter can reach, so the per-reporter ceiling holds for very_high reports too.
        var communityMax = Math.Min(Math.Max(0, o.CommunityCriticalFloor), Saturate(o.CommunityReporterCeiling, o.SaturationScale));
        var communityFloor = (int)Math.Round(communityMax * Math.Min(1, communityQ), MidpointRounding.AwayFromZero);
        var floor = Math.Clamp(Math.Max(sensorFloor, communityFloor), 0, 100);
        if (floor > 0 && components is not null)
        {
            var (category, who, full) = sensorFloor >= communityFloor
                ? (sensorCategory, "a sensor", o.SensorCriticalFloor)
                : (communityCategory, "a community reporter", communityMax);
            components.Add(new ScoreComponent("critical floor", floor, string.Create(CultureInfo.InvariantCulture,
                $"{category?.Name} (very_high) seen by {who}: score at least {floor} (full floor {full}, scaled by that evidence's trust × decay)")));
        }

        return floor;
    }

    /// <summary>1-based index of <paramref name="protocol"/> in <paramref name="protocols"/> (added if new); 0 for none.
    /// Linear: an address is seen on a handful of protocols.</summary>
    private static int ProtocolIndex(ref List<string>? protocols, string? protocol)
    {
        if (string.IsNullOrEmpty(protocol))
            return 0;
        protocols ??= [];
        for (var i = 0; i < protocols.Count; i++)
        {
            if (string.Equals(protocols[i], protocol, StringComparison.OrdinalIgnoreCase))
                return i + 1;
        }

        protocols.Add(protocol);
        return protocols.Count;
    }

    private Category CategoryOf(int id)
    {
        if ((uint)id >= (uint)_categoryCache.Length)
            return _categoryLookup(id);
        return _categoryCache[id] ??= _categoryLookup(id);
    }

    private static string SeverityName(Severity severity) => severity switch
    {
        Severity.VeryHigh => "very_high",
        Severity.High => "high",
        Severity.Medium => "medium",
        Severity.Low => "low",
        _ => "info",
    };

    /// <summary>The numbers of one score (what <see cref="ScoreBreakdown"/> carries besides the components).</summary>
    private readonly record struct Result(
        int Score,
        int RawScore,
        double Sensor,
        double Community,
        double Cross,
        double Raw,
        int Floor,
        double Multiplier,
        string? WhitelistName,
        bool IsZero);

    /// <summary>One evidence item reduced to its group keys and weight.</summary>
    /// <param name="Group">Sensors: category in the high 32 bits, protocol index (0 = none) in the low; community: the
    /// reporter's network group (0 = none).</param>
    /// <param name="Provisional">Community: the reporter is provisional (its evidence goes to the capped pool).</param>
    private readonly record struct Item(long Reporter, long Group, double Q, bool Provisional = false);

    /// <summary>The total of one sensor behaviour (category × protocol).</summary>
    private readonly record struct BehaviourTotal(
        Category Category,
        string? Protocol,
        double Weight,
        double Scaled,
        double Contribution,
        double Presence,
        int Observations,
        int Sensors)
    {
        public string Name => Protocol is null ? Category.Name : Protocol + ":" + Category.Name;
    }
}
