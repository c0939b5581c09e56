using System.Net;
using Palisade.Core.Categories;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Scoring;

public sealed class ScoreCalculatorTests
{
    private const int BruteForce = 1, PortScan = 2, WebExploit = 4, Spam = 7, ExploitedHost = 9, Malware = 10, Other = 16;

    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // The native table (docs/categories.md), local so these tests do not depend on CategoryCatalog.
    private static readonly Category[] Table =
    [
        new(1, "brute_force", "", Severity.High, []),
        new(2, "port_scan", "", Severity.Low, []),
        new(3, "ddos", "", Severity.High, []),
        new(4, "web_exploit", "", Severity.High, []),
        new(5, "sql_injection", "", Severity.High, []),
        new(6, "phishing", "", Severity.High, []),
        new(7, "spam", "", Severity.Medium, []),
        new(8, "bad_bot", "", Severity.Low, []),
        new(9, "exploited_host", "", Severity.VeryHigh, []),
        new(10, "malware", "", Severity.VeryHigh, []),
        new(11, "dns_abuse", "", Severity.Medium, []),
        new(12, "open_proxy", "", Severity.Medium, []),
        new(13, "iot_targeted", "", Severity.High, []),
        new(14, "spoofing", "", Severity.Medium, []),
        new(15, "fraud", "", Severity.Medium, []),
        new(16, "other", "", Severity.Info, []),
    ];

    private static ScoreCalculator Calculator(double halfLifeDays = 30)
        => new(new ScoringOptions { HalfLifeDays = halfLifeDays }, id => Table[id - 1]);

    private static Evidence Community(long reporter, int category = BruteForce, double trust = 1.0, double ageDays = 0,
        ReportSource source = ReportSource.Local)
        => new(reporter, ReporterKind.Community, trust, category, null, Now.AddDays(-ageDays), source);

    private static Evidence Sensor(long sensor, int category = BruteForce, string? protocol = "ssh", double trust = 1.0,
        double ageDays = 0, ReportSource source = ReportSource.Local)
        => new(sensor, ReporterKind.Sensor, trust, category, protocol, Now.AddDays(-ageDays), source);

    private static ScoreBreakdown Score(IEnumerable<Evidence> evidence, WhitelistEntry? whitelist = null, double halfLifeDays = 30)
        => Calculator(halfLifeDays).Calculate(evidence.ToList(), Now, whitelist);

    private static List<Evidence> RandomEvidence(Random random, int count, bool withFeed = true)
    {
        var list = new List<Evidence>(count);
        string?[] protocols = ["ssh", "telnet", "http", "smtp", null];
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(3) == 0 ? ReporterKind.Sensor : ReporterKind.Community;
            list.Add(new Evidence(
                random.Next(1, 12),
                kind,
                random.NextDouble() * 1.5,
                random.Next(1, 17),
                kind == ReporterKind.Sensor ? protocols[random.Next(protocols.Length)] : null,
                Now.AddDays(-random.NextDouble() * 120 + 2),
                withFeed && random.Next(6) == 0 ? ReportSource.Feed : ReportSource.Local));
        }

        return list;
    }

    [Fact]
    public void Default_constructor_uses_the_category_catalog_with_the_same_severities()
    {
        var catalog = new ScoreCalculator(new ScoringOptions());
        for (var id = 1; id <= 16; id++)
        {
            Evidence[] evidence = [Sensor(1, id), Community(2, id)];
            Assert.Equal(Score(evidence).RawEvidence, catalog.Calculate(evidence, Now, null).RawEvidence, 12);
        }
    }

    [Fact]
    public void No_evidence_scores_zero()
    {
        var result = Score([]);
        Assert.Equal(0, result.Score);
        Assert.Equal(0, result.RawScore);
        Assert.Equal(0, result.RawEvidence);
    }

    [Fact]
    public void Score_is_monotone_in_distinct_reporters()
    {
        var previous = -1;
        var previousRaw = -1.0;
        for (var reporters = 1; reporters <= 20; reporters++)
        {
            var result = Score(Enumerable.Range(1, reporters).Select(r => Community(r)));
            Assert.True(result.Score >= previous, $"{reporters} reporters: {result.Score} < {previous}");
            if (reporters <= 10)
                Assert.True(result.Score > previous, $"{reporters} reporters: {result.Score} not above {previous}");
            Assert.True(result.RawEvidence > previousRaw);
            previous = result.Score;
            previousRaw = result.RawEvidence;
        }

        Assert.True(previous >= 95, $"20 trusted reporters should be near certain, got {previous}");
    }

    [Fact]
    public void Distinct_reporters_count_more_than_volume_from_one()
    {
        var fiveReporters = Score(Enumerable.Range(1, 5).Select(r => Community(r)));
        var oneReporterFiveTimes = Score(Enumerable.Range(1, 5).Select(_ => Community(1)));
        Assert.True(fiveReporters.Score > oneReporterFiveTimes.Score);
    }

    [Theory]
    [InlineData(BruteForce, 1.0)]
    [InlineData(Malware, 1.0)]
    [InlineData(Malware, 1.5)]
    [InlineData(Other, 0.6)]
    public void One_reporter_alone_never_exceeds_the_ceiling(int category, double trust)
    {
        var ceilingScore = ScoreCalculator.Saturate(new ScoringOptions().CommunityReporterCeiling);
        Assert.Equal(39, ceilingScore);
        var previous = -1;
        foreach (var count in new[] { 1, 2, 10, 1000, 100_000 })
        {
            var evidence = Enumerable.Range(0, count).Select(i => Community(42, category, trust, ageDays: i % 3 * 0.001));
            var result = Score(evidence);
            Assert.InRange(result.Score, 0, ceilingScore);
            Assert.InRange(result.CommunityEvidence, 0, 35);
            Assert.True(result.Score >= previous, $"{count} reports: {result.Score} < {previous}");
            previous = result.Score;
        }
    }

    [Fact]
    public void One_reporter_with_many_categories_stays_under_the_ceiling()
    {
        var evidence = Enumerable.Range(0, 5000).Select(i => Community(7, category: i % 16 + 1, trust: 1.5));
        Assert.True(Score(evidence).Score <= 39);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(50)]
    public void Sensor_evidence_weighs_more_than_the_same_count_of_community_evidence(int count)
    {
        var sensorOne = Score(Enumerable.Range(0, count).Select(_ => Sensor(1)));
        var communityOne = Score(Enumerable.Range(0, count).Select(_ => Community(1)));
        Assert.True(sensorOne.Score > communityOne.Score);
        Assert.True(sensorOne.RawEvidence > communityOne.RawEvidence);

        var sensorsMany = Score(Enumerable.Range(1, count).Select(s => Sensor(s)));
        var reportersMany = Score(Enumerable.Range(1, count).Select(r => Community(r)));
        Assert.True(sensorsMany.RawEvidence > reportersMany.RawEvidence);
        Assert.True(sensorsMany.Score >= reportersMany.Score);
    }

    [Fact]
    public void Sensor_count_is_sqrt_scaled_and_capped_per_sensor()
    {
        Assert.Equal(35, Score([Sensor(1)]).RawEvidence, 9);
        Assert.Equal(70, Score(Enumerable.Range(0, 4).Select(_ => Sensor(1))).RawEvidence, 9);
        Assert.Equal(35 * 6, Score(Enumerable.Range(0, 36).Select(_ => Sensor(1))).RawEvidence, 9);
        Assert.Equal(35 * 6, Score(Enumerable.Range(0, 5000).Select(_ => Sensor(1))).RawEvidence, 9);
        // A second sensor seeing the same behaviour is independent corroboration, not more volume.
        Assert.Equal(70, Score([Sensor(1), Sensor(2)]).RawEvidence, 9);
    }

    [Fact]
    public void Distinct_behaviours_and_protocols_add_bonuses()
    {
        var ssh = Score([Sensor(1, BruteForce, "ssh")]).RawEvidence;
        var http = Score([Sensor(1, WebExploit, "http")]).RawEvidence;
        var sshScan = Score([Sensor(1, PortScan, "ssh")]).RawEvidence;
        // +6 for the second behaviour, +4 for the second protocol.
        Assert.Equal(ssh + http + 6 + 4, Score([Sensor(1, BruteForce, "ssh"), Sensor(1, WebExploit, "http")]).RawEvidence, 9);
        Assert.Equal(ssh + sshScan + 6, Score([Sensor(1, BruteForce, "ssh"), Sensor(1, PortScan, "ssh")]).RawEvidence, 9);
    }

    [Fact]
    public void Trust_weights_evidence()
    {
        Assert.Equal(0.5 * Score([Sensor(1, trust: 1.0)]).RawEvidence, Score([Sensor(1, trust: 0.5)]).RawEvidence, 9);
        Assert.Equal(0.5 * Score([Community(1, trust: 1.0)]).RawEvidence, Score([Community(1, trust: 0.5)]).RawEvidence, 9);
        Assert.Equal(0, Score([Community(1, trust: 0), Sensor(2, trust: 0)]).Score);
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(7.0)]
    public void Decay_halves_evidence_per_half_life(double halfLife)
    {
        foreach (var make in new Func<double, Evidence>[]
        {
            age => Sensor(1, ageDays: age),
            age => Sensor(1, Malware, "smb", trust: 1.5, ageDays: age),
            age => Community(1, ageDays: age),
            age => Community(1, Spam, trust: 0.6, ageDays: age),
        })
        {
            var fresh = Score([make(0)], halfLifeDays: halfLife).RawEvidence;
            Assert.True(fresh > 0);
            Assert.Equal(fresh / 2, Score([make(halfLife)], halfLifeDays: halfLife).RawEvidence, 9);
            Assert.Equal(fresh / 4, Score([make(2 * halfLife)], halfLifeDays: halfLife).RawEvidence, 9);
        }

        // Sensor-only sets halve as a whole too: behaviours, counts and bonuses all scale with decay.
        Evidence[] Set(double age) =>
        [
            Sensor(1, BruteForce, "ssh", ageDays: age), Sensor(1, BruteForce, "ssh", ageDays: age),
            Sensor(2, BruteForce, "ssh", ageDays: age), Sensor(1, WebExploit, "http", ageDays: age),
            Sensor(3, PortScan, "telnet", trust: 0.7, ageDays: age),
        ];
        Assert.Equal(Score(Set(0), halfLifeDays: halfLife).RawEvidence / 2,
            Score(Set(halfLife), halfLifeDays: halfLife).RawEvidence, 9);
    }

    [Fact]
    public void Half_life_zero_disables_decay()
    {
        var fresh = Score([Sensor(1), Community(2)], halfLifeDays: 0);
        var old = Score([Sensor(1, ageDays: 400), Community(2, ageDays: 400)], halfLifeDays: 0);
        Assert.Equal(fresh.RawEvidence, old.RawEvidence, 12);
        Assert.Equal(fresh.Score, old.Score);
        Assert.True(Score([Sensor(1, ageDays: 400)]).RawEvidence < Score([Sensor(1)]).RawEvidence);
    }

    [Fact]
    public void Old_evidence_never_lowers_the_score_and_future_timestamps_count_as_fresh()
    {
        var fresh = Score([Sensor(1), Community(2)]);
        var withOld = Score([Sensor(1), Community(2), Sensor(1, ageDays: 300), Community(2, ageDays: 300)]);
        Assert.True(withOld.RawEvidence >= fresh.RawEvidence);
        Assert.Equal(fresh.RawEvidence, Score([Sensor(1, ageDays: -3), Community(2, ageDays: -10)]).RawEvidence, 12);
    }

    [Fact]
    public void Adding_local_evidence_never_lowers_the_score()
    {
        var random = new Random(5);
        for (var round = 0; round < 300; round++)
        {
            var evidence = RandomEvidence(random, random.Next(0, 60));
            var before = Score(evidence);
            var after = Score(evidence.Concat(RandomEvidence(random, random.Next(1, 4), withFeed: false)));
            Assert.True(after.RawEvidence >= before.RawEvidence - 1e-9, $"round {round}: {after.RawEvidence} < {before.RawEvidence}");
            Assert.True(after.RawScore >= before.RawScore, $"round {round}: {after.RawScore} < {before.RawScore}");
        }
    }

    [Fact]
    public void Whitelist_discount_is_applied_and_raw_score_is_unchanged()
    {
        Evidence[] evidence = [Sensor(1), Sensor(1), Community(2), Community(3)];
        var plain = Score(evidence);
        var entry = new WhitelistEntry(IPNetwork.Parse("8.8.8.0/24"), "Google Public DNS", 0.2, "builtin");
        var listed = Score(evidence, entry);
        Assert.Equal(plain.RawScore, listed.RawScore);
        Assert.Equal(plain.Score, listed.RawScore);
        Assert.Equal((int)Math.Round(plain.RawScore * 0.2, MidpointRounding.AwayFromZero), listed.Score);
        Assert.True(listed.Score < plain.Score);
        Assert.Equal("Google Public DNS", listed.WhitelistName);
        Assert.Equal(0.2, listed.WhitelistMultiplier);
        Assert.Contains(listed.Components, c => c.Name == "whitelist" && c.Value == 0.2);
        Assert.Null(plain.WhitelistName);
        Assert.Equal(1, plain.WhitelistMultiplier);

        Assert.Equal(0, Score(evidence, entry with { Multiplier = 0 }).Score);
        Assert.Equal(plain.Score, Score(evidence, entry with { Multiplier = 1 }).Score);
        var expired = Score(evidence, entry with { ExpiresAt = Now.AddDays(-1) });
        Assert.Equal(plain.Score, expired.Score);
        Assert.Null(expired.WhitelistName);
    }

    [Fact]
    public void Feed_reports_never_raise_the_score()
    {
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var evidence = RandomEvidence(random, random.Next(0, 40), withFeed: false);
            var before = Score(evidence);
            var feed = Enumerable.Range(0, random.Next(1, 30)).Select(i => new Evidence(
                1000 + i, i % 2 == 0 ? ReporterKind.Sensor : ReporterKind.Community, 1.5, i % 2 == 0 ? Malware : ExploitedHost,
                "ssh", Now, ReportSource.Feed));
            var after = Score(evidence.Concat(feed));
            Assert.Equal(before.Score, after.Score);
            Assert.Equal(before.RawScore, after.RawScore);
            Assert.Equal(before.RawEvidence, after.RawEvidence, 12);
            Assert.Equal(before.CriticalFloor, after.CriticalFloor);
            Assert.Contains(after.Components, c => c.Name == "feed reports" && c.Value == 0);
        }

        var feedOnly = Score(Enumerable.Range(1, 50).Select(r => Community(r, Malware, source: ReportSource.Feed)));
        Assert.Equal(0, feedOnly.Score);
        Assert.Equal(0, feedOnly.CriticalFloor);
    }

    [Fact]
    public void Critical_behaviour_sets_a_floor()
    {
        // malware: very_high 55 raw → 54, lifted to the sensor floor.
        var sensor = Score([Sensor(1, Malware, "smb")]);
        Assert.Equal(55, sensor.RawEvidence, 9);
        Assert.Equal(60, sensor.CriticalFloor);
        Assert.Equal(60, sensor.Score);
        Assert.Contains(sensor.Components, c => c.Name == "critical floor" && c.Value == 60);

        // One community report of exploited_host: 15 × 55/35 = 23.6 raw → 29, lifted to the community floor.
        var community = Score([Community(1, ExploitedHost)]);
        Assert.Equal(35, community.CriticalFloor);
        Assert.Equal(35, community.Score);

        // High but not critical: no floor.
        Assert.Equal(0, Score([Sensor(1, BruteForce)]).CriticalFloor);
        // The floor fades with the evidence: two half-lives old → a quarter of it.
        Assert.Equal(15, Score([Sensor(1, Malware, "smb", ageDays: 60)]).CriticalFloor);
        // It never lowers a higher score.
        var strong = Score(Enumerable.Range(1, 6).Select(s => Sensor(s, Malware, "smb")));
        Assert.True(strong.Score > 60);
    }

    [Fact]
    public void Saturation_curve_matches_the_published_examples()
    {
        Assert.Equal(39, ScoreCalculator.Saturate(35));
        Assert.Equal(63, ScoreCalculator.Saturate(70));
        Assert.Equal(86, ScoreCalculator.Saturate(140));
        Assert.Equal(94, ScoreCalculator.Saturate(200));
        Assert.Equal(99, ScoreCalculator.Saturate(300));
        Assert.Equal(100, ScoreCalculator.Saturate(10_000));
        Assert.Equal(0, ScoreCalculator.Saturate(0));

        // Four fresh ssh brute-force observations by one sensor of trust 1: 35 × √4 = 70 raw.
        var seventy = Score(Enumerable.Range(0, 4).Select(_ => Sensor(1)));
        Assert.Equal(70, seventy.RawEvidence, 9);
        Assert.Equal(63, seventy.Score);
        // Four sensors, one observation each: 140 raw.
        var hundredForty = Score(Enumerable.Range(1, 4).Select(s => Sensor(s)));
        Assert.Equal(140, hundredForty.RawEvidence, 9);
        Assert.Equal(86, hundredForty.Score);
    }

    [Fact]
    public void Score_stays_within_0_and_100()
    {
        var random = new Random(99);
        for (var round = 0; round < 300; round++)
        {
            var result = Score(RandomEvidence(random, random.Next(0, 300)));
            Assert.InRange(result.Score, 0, 100);
            Assert.InRange(result.RawScore, 0, 100);
            Assert.True(result.Score <= result.RawScore);
            Assert.InRange(result.CrossSourceMultiplier, 1, 1.5);
        }

        Assert.Equal(100, Score(Enumerable.Range(1, 2000).SelectMany(s => new[] { Sensor(s, Malware), Community(s, Malware) })).Score);
    }

    [Fact]
    public void Same_evidence_gives_the_same_breakdown_in_any_order()
    {
        var random = new Random(7);
        for (var round = 0; round < 50; round++)
        {
            var evidence = RandomEvidence(random, random.Next(1, 200));
            var first = Score(evidence);
            var again = Score(evidence);
            var shuffled = evidence.ToArray();
            random.Shuffle(shuffled);
            var reordered = Score(shuffled);
            foreach (var other in new[] { again, reordered })
            {
                Assert.Equal(first.Score, other.Score);
                Assert.Equal(first.RawScore, other.RawScore);
                Assert.Equal(first.RawEvidence, other.RawEvidence, 9);
                Assert.Equal(first.Components.Select(c => c.Name), other.Components.Select(c => c.Name));
            }
        }
    }

    [Fact]
    public void One_stray_report_barely_inflates_a_high_sensor_score()
    {
        Evidence[] sensors = [.. Enumerable.Range(1, 3).SelectMany(s => Enumerable.Range(0, 9).Select(_ => Sensor(s)))];
        var sensorOnly = Score(sensors);
        Assert.Equal(1, sensorOnly.CrossSourceMultiplier);
        var withStray = Score([.. sensors, Community(99, trust: 0.6)]);
        Assert.InRange(withStray.CrossSourceMultiplier, 1.0001, 1.07);
        Assert.InRange(withStray.Score - sensorOnly.Score, 0, 2);

        // Agreement between strong signals earns the full bonus.
        var agreeing = Score([.. sensors, .. Enumerable.Range(100, 10).Select(r => Community(r))]);
        Assert.Equal(1.5, agreeing.CrossSourceMultiplier, 9);
        Assert.Contains(agreeing.Components, c => c.Name == "cross-source");
    }

    [Fact]
    public void Components_explain_the_raw_evidence()
    {
        var result = Score(
        [
            Sensor(1, BruteForce, "ssh"), Sensor(1, BruteForce, "ssh"), Sensor(2, PortScan, "telnet", ageDays: 10),
            Community(5), Community(6, Spam, ageDays: 3), Community(7, source: ReportSource.Feed),
        ]);
        var names = result.Components.Select(c => c.Name).ToList();
        Assert.Equal(
            ["behaviour ssh:brute_force", "behaviour telnet:port_scan", "diversity bonus", "protocol diversity",
                "community reporters", "cross-source", "decay", "feed reports", "saturation"],
            names);
        var sensorParts = result.Components
            .Where(c => c.Name.StartsWith("behaviour ", StringComparison.Ordinal) || c.Name.EndsWith("diversity", StringComparison.Ordinal)
                || c.Name == "diversity bonus")
            .Sum(c => c.Value);
        Assert.Equal(result.SensorEvidence, sensorParts, 9);
        Assert.Equal(result.CommunityEvidence, result.Components.Single(c => c.Name == "community reporters").Value, 9);
        Assert.Equal(result.RawEvidence, (result.SensorEvidence + result.CommunityEvidence) * result.CrossSourceMultiplier, 9);
        Assert.Equal(result.Score, (int)result.Components.Single(c => c.Name == "saturation").Value);
        Assert.All(result.Components, c => Assert.False(string.IsNullOrWhiteSpace(c.Detail)));
    }

    [Fact]
    public void Worked_examples_in_docs_scoring_md_hold()
    {
        // 1. Three fail2ban reporters.
        var one = Score([.. Enumerable.Range(0, 10).Select(_ => Community(1)), Community(2, trust: 0.6, ageDays: 2), Community(3, trust: 1.1, ageDays: 5)]);
        Assert.Equal(55.56, one.RawEvidence, 0.006);
        Assert.Equal(55, one.Score);

        // 2. A honeypot and one stray report.
        var two = Score(
        [
            .. Enumerable.Range(0, 12).Select(_ => Sensor(10, BruteForce, "ssh", 1.375)),
            .. Enumerable.Range(0, 3).Select(_ => Sensor(10, 13, "telnet", 1.375)),
            Community(4, PortScan, trust: 0.6),
        ]);
        Assert.Equal(263.82, two.SensorEvidence, 0.006);
        Assert.Equal(2.06, two.CommunityEvidence, 0.006);
        Assert.Equal(1.0147, two.CrossSourceMultiplier, 4);
        Assert.Equal(269.78, two.RawEvidence, 0.006);
        Assert.Equal(98, two.Score);

        // 3. One malware sighting, ten days old.
        var three = Score([Sensor(11, Malware, "smb", ageDays: 10)]);
        Assert.Equal(43.65, three.RawEvidence, 0.006);
        Assert.Equal(48, three.CriticalFloor);
        Assert.Equal(48, three.Score);

        // 4. A whitelisted crawler (bad_bot = 8) with one feed report.
        var four = Score(
            [.. Enumerable.Range(1, 4).Select(r => Community(r, 8, ageDays: 1)), Community(9, 8, source: ReportSource.Feed)],
            new WhitelistEntry(IPNetwork.Parse("66.249.64.0/19"), "Googlebot", 0.1, "builtin"));
        Assert.Equal(13.40, four.RawEvidence, 0.006);
        Assert.Equal(17, four.RawScore);
        Assert.Equal(2, four.Score);

        // 5. One reporter, 1,000 reports.
        Assert.Equal(39, Score(Enumerable.Range(0, 1000).Select(_ => Community(1))).Score);
    }

    [Fact]
    public void Thousands_of_items_are_scored()
    {
        var random = new Random(3);
        var evidence = RandomEvidence(random, 20_000);
        var result = Score(evidence);
        Assert.InRange(result.Score, 0, 100);
    }
}
