using System.Net;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Scoring;

/// <summary>The compact score (two numbers, no explanation) must be the full breakdown's numbers, always.</summary>
public sealed class ScoreCalculatorCompactTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<Evidence> RandomEvidence(Random random, int count)
    {
        var list = new List<Evidence>(count);
        string?[] protocols = ["ssh", "telnet", "http", "SSH", "smtp", null];
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(3) == 0 ? ReporterKind.Sensor : ReporterKind.Community;
            list.Add(new Evidence(
                random.Next(1, 8),
                kind,
                random.Next(20) == 0 ? double.NaN : random.NextDouble() * 1.6,
                random.Next(1, 17),
                kind == ReporterKind.Sensor || random.Next(4) == 0 ? protocols[random.Next(protocols.Length)] : null,
                Now.AddDays(-random.NextDouble() * 90 + 1),
                random.Next(8) == 0 ? ReportSource.Feed : ReportSource.Local));
        }

        return list;
    }

    private static WhitelistEntry? RandomWhitelist(Random random) => random.Next(4) switch
    {
        0 => new WhitelistEntry(IPNetwork.Parse("192.0.2.0/24"), "test", random.NextDouble(), "operator"),
        1 => new WhitelistEntry(IPNetwork.Parse("192.0.2.0/24"), "expired", 0.1, "operator", Now.AddDays(-1)),
        _ => null,
    };

    [Theory]
    [InlineData(30)]
    [InlineData(7)]
    [InlineData(0)]
    public void Compact_score_equals_the_breakdown_on_random_evidence(double halfLifeDays)
    {
        var calculator = new ScoreCalculator(new ScoringOptions { HalfLifeDays = halfLifeDays });
        var random = new Random(20260617 + (int)halfLifeDays);
        var distinctScores = new HashSet<int>();
        var whitelisted = 0;
        for (var round = 0; round < 3000; round++)
        {
            var evidence = RandomEvidence(random, random.Next(0, 40));
            var whitelist = RandomWhitelist(random);
            var full = calculator.Calculate(evidence, Now, whitelist);
            var compact = calculator.CalculateCompact(evidence, Now, whitelist);
            Assert.Equal(full.Score, compact.Score);
            Assert.Equal(full.RawScore, compact.RawScore);
            distinctScores.Add(full.Score);
            whitelisted += full.Score != full.RawScore ? 1 : 0;
        }

        // The random sets must exercise the whole range and the whitelist discount, or the comparison proves little.
        Assert.True(distinctScores.Count > 40, $"only {distinctScores.Count} distinct scores");
        Assert.True(whitelisted > 100, $"only {whitelisted} discounted scores");
    }

    [Fact]
    public void Compact_score_of_no_evidence_is_zero_and_of_feed_only_evidence_is_zero()
    {
        var calculator = new ScoreCalculator(new ScoringOptions());
        Assert.Equal(new CompactScore(0, 0), calculator.CalculateCompact([], Now, null));
        Evidence[] feedOnly = [new(1, ReporterKind.Sensor, 1, 10, "ssh", Now, ReportSource.Feed)];
        Assert.Equal(new CompactScore(0, 0), calculator.CalculateCompact(feedOnly, Now, null));
    }

    [Fact]
    public void Compact_score_of_strong_evidence_is_high_and_a_whitelist_discounts_only_the_score()
    {
        var calculator = new ScoreCalculator(new ScoringOptions());
        var evidence = Enumerable.Range(1, 6).Select(r => new Evidence(r, ReporterKind.Sensor, 1.2, 10, "ssh", Now.AddHours(-r), ReportSource.Local)).ToList();
        var plain = calculator.CalculateCompact(evidence, Now, null);
        var listed = calculator.CalculateCompact(evidence, Now, new WhitelistEntry(IPNetwork.Parse("192.0.2.0/24"), "half", 0.5, "operator"));
        Assert.True(plain.Score >= 90, $"score {plain.Score}");
        Assert.Equal(plain.RawScore, listed.RawScore);
        Assert.Equal((int)Math.Round(plain.RawScore * 0.5, MidpointRounding.AwayFromZero), listed.Score);
    }
}
