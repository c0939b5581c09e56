using System.Globalization;
using Palisade.Core.Categories;
using Palisade.Core.Scoring;
using Xunit.Abstractions;

namespace Palisade.Core.Tests.Scoring;

/// <summary>The guarantees of docs/scoring.md "Trust guarantees", checked against the implementation with the default options.</summary>
public sealed class TrustGuaranteeTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ScoreCalculator Calculator = new(new ScoringOptions());

    private static Evidence Report(long reporter, double trust, int category = CategoryCatalog.BruteForce, long network = 0, bool provisional = false,
        double ageMinutes = 5)
        => new(reporter, ReporterKind.Community, trust, category, "ssh", Now.AddMinutes(-ageMinutes), ReportSource.Local)
        {
            Network = network,
            Provisional = provisional,
        };

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(1_000)]
    public void Provisional_reporters_in_any_number_stay_below_the_lists_and_set_no_floor(int reporters)
    {
        // Even at the highest possible trust, each from its own network, each with 8 very_high reports of several categories.
        var evidence = new List<Evidence>();
        for (var r = 1; r <= reporters; r++)
        {
            for (var k = 0; k < 8; k++)
            {
                evidence.Add(Report(r, ReporterTrust.Max, k % 2 == 0 ? CategoryCatalog.ExploitedHost : CategoryCatalog.Malware, network: r, provisional: true,
                    ageMinutes: k));
            }
        }

        var score = Calculator.Calculate(evidence, Now, null);
        Assert.True(score.RawScore <= 25, $"{reporters} provisional reporters reached {score.RawScore}");
        Assert.Equal(0, score.CriticalFloor);
        Assert.True(score.CommunityEvidence <= new ScoringOptions().ProvisionalCeiling + 1e-9);
    }

    [Fact]
    public void Provisional_reporters_add_at_most_the_pool_to_other_evidence()
    {
        List<Evidence> established = [Report(1, 1.0), Report(2, 1.0)];
        var alone = Calculator.Calculate(established, Now, null).CommunityEvidence;
        var crowd = established.Concat(Enumerable.Range(10, 500).Select(r => Report(r, 1.0, network: r, provisional: true))).ToList();
        Assert.Equal(alone + new ScoringOptions().ProvisionalCeiling, Calculator.Calculate(crowd, Now, null).CommunityEvidence, 9);
    }

    [Fact]
    public void One_network_counts_as_at_most_two_reporters()
    {
        var two = Calculator.Calculate([Report(1, 1.0, network: 7), Report(2, 1.0, network: 7)], Now, null);
        var ten = Calculator.Calculate([.. Enumerable.Range(1, 10).Select(r => Report(r, 1.0, network: 7))], Now, null);
        Assert.Equal(two.Score, ten.Score);
        Assert.Contains(ten.Components, c => c.Name == "community reporters" && c.Detail.Contains("8 reporter(s) not counted", StringComparison.Ordinal));

        // The same ten reporters in ten networks add up as distinct reporters.
        var spread = Calculator.Calculate([.. Enumerable.Range(1, 10).Select(r => Report(r, 1.0, network: r))], Now, null);
        Assert.True(spread.Score > ten.Score + 30, $"{spread.Score} vs {ten.Score}");
    }

    [Fact]
    public void Three_of_the_operators_own_servers_on_the_private_tier_list_an_address_at_50()
    {
        var privateTier = Palisade.Core.Keys.TierCatalog.Default.TryGet("private", out var tier) ? tier : throw new InvalidOperationException("no private tier");
        var fresh = ReporterTrust.Compute(ReporterKind.Community, privateTier.Trust, TimeSpan.Zero, default, selfService: false, vouched: privateTier.Vouched);
        Assert.Equal(privateTier.Trust, fresh, 9);

        Assert.True(Calculator.Calculate([Report(1, fresh), Report(2, fresh)], Now, null).Score < 50);
        Assert.True(Calculator.Calculate([Report(1, fresh), Report(2, fresh), Report(3, fresh)], Now, null).Score >= 50);

        // The same tier does not vouch for self-service keys: they start provisional, at a quarter of a new key's weight.
        var selfService = ReporterTrust.Compute(ReporterKind.Community, privateTier.Trust, TimeSpan.Zero, default, selfService: true, vouched: true);
        Assert.True(selfService < 0.2, selfService.ToString(CultureInfo.InvariantCulture));
        Assert.True(ReporterTrust.IsProvisional(selfService: true, default));
    }

    [Fact]
    public void Trust_rises_with_corroboration_and_falls_with_withdrawals_and_silence()
    {
        var age = TimeSpan.FromDays(40);
        double Trust(long c, long u, long d) => ReporterTrust.Compute(ReporterKind.Community, 1.0, age, new ReporterRecord(c, u, d), false, false);
        Assert.True(Trust(10, 0, 0) > Trust(0, 0, 0));
        Assert.True(Trust(100, 0, 0) > Trust(10, 0, 0));
        Assert.True(Trust(10, 0, 10) < Trust(10, 0, 0));
        Assert.True(Trust(10, 100, 0) < Trust(10, 0, 0));

        // Volume alone (accepted but never corroborated) earns nothing.
        Assert.True(Trust(0, 10_000, 0) < Trust(0, 0, 0));
    }

    /// <summary>The table in docs/scoring.md "How many reporters it takes": computed here, asserted, and printed.</summary>
    [Fact]
    public void Reporters_needed_for_25_50_and_75()
    {
        var rows = new (string Standing, double Trust, bool Provisional, int[] Expected)[]
        {
            ("self-service, provisional (any number)", ReporterTrust.Compute(ReporterKind.Community, 0.6, TimeSpan.Zero, default, true, false), true, [22, -1, -1]),
            ("self-service, just graduated (3 corroborated)", ReporterTrust.Compute(ReporterKind.Community, 0.6, TimeSpan.Zero, new ReporterRecord(3, 0, 0), true, false), false, [6, 13, 25]),
            ("free key by the operator, new", ReporterTrust.Compute(ReporterKind.Community, 0.6, TimeSpan.Zero, default, false, false), false, [6, 14, 27]),
            ("contributor, new", ReporterTrust.Compute(ReporterKind.Community, 1.0, TimeSpan.Zero, default, false, false), false, [4, 8, 16]),
            ("contributor, 30 days, 99 corroborated", ReporterTrust.Compute(ReporterKind.Community, 1.0, TimeSpan.FromDays(30), new ReporterRecord(99, 0, 0), false, false), false, [2, 4, 7]),
            ("contributor, 30 days, 999+ corroborated", ReporterTrust.Compute(ReporterKind.Community, 1.0, TimeSpan.FromDays(30), new ReporterRecord(999, 0, 0), false, false), false, [2, 3, 6]),
            ("private tier (operator's own servers)", ReporterTrust.Compute(ReporterKind.Community, 1.1, TimeSpan.Zero, default, false, true), false, [2, 3, 6]),
        };

        output.WriteLine("| Standing | trust | 25 | 50 | 75 |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        var computed = new List<int[]>();
        foreach (var (standing, trust, provisional, _) in rows)
        {
            var needed = new[] { 25, 50, 75 }.Select(threshold => Needed(trust, provisional, threshold)).ToArray();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {standing} | {trust:0.###} | {string.Join(" | ", needed.Select(n => n < 0 ? "never" : n.ToString(CultureInfo.InvariantCulture)))} |"));
            computed.Add(needed);
        }

        Assert.Equal(rows.Select(r => r.Expected), computed);
    }

    /// <summary>Fewest independent reporters (one fresh brute_force report each, each in its own network) reaching the
    /// threshold; -1 when 10,000 do not.</summary>
    private static int Needed(double trust, bool provisional, int threshold)
    {
        var evidence = new List<Evidence>();
        for (var n = 1; n <= 10_000; n++)
        {
            evidence.Add(Report(n, trust, network: n, provisional: provisional));
            if (n > 64 && provisional)
            {
                // The pool is full long before: more provisional reporters cannot change the score.
                return -1;
            }

            if (Calculator.CalculateCompact(evidence, Now, null).RawScore >= threshold)
            {
                return n;
            }
        }

        return -1;
    }
}
