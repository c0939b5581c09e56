using Palisade.Core.Scoring;

namespace Palisade.Core.Tests.Scoring;

public sealed class ReporterTrustTests
{
    private static readonly TimeSpan Old = TimeSpan.FromDays(365);

    [Theory]
    [InlineData(0.0, 0.0, 0L)]
    [InlineData(1.0, 0.0, 0L)]
    [InlineData(1.0, 400.0, 1_000_000L)]
    [InlineData(100.0, 4000.0, long.MaxValue)]
    [InlineData(-1.0, 10.0, 10L)]
    [InlineData(double.NaN, 10.0, 10L)]
    [InlineData(double.PositiveInfinity, 10.0, 10L)]
    [InlineData(0.6, -5.0, -5L)]
    public void Stays_within_0_and_1_5(double tierTrust, double ageDays, long accepted)
    {
        foreach (var kind in new[] { ReporterKind.Community, ReporterKind.Sensor })
        {
            var trust = ReporterTrust.Compute(kind, tierTrust, TimeSpan.FromDays(ageDays), accepted);
            Assert.InRange(trust, 0, ReporterTrust.Max);
            Assert.False(double.IsNaN(trust));
        }
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(1.0)]
    public void Sensors_get_more_than_community_reporters(double tierTrust)
    {
        foreach (var age in new[] { TimeSpan.Zero, TimeSpan.FromDays(10), Old })
        {
            foreach (var accepted in new long[] { 0, 50, 5000 })
            {
                Assert.True(ReporterTrust.Compute(ReporterKind.Sensor, tierTrust, age, accepted)
                    > ReporterTrust.Compute(ReporterKind.Community, tierTrust, age, accepted));
            }
        }
    }

    [Fact]
    public void New_keys_get_less_and_trust_grows_with_age_until_30_days()
    {
        var previous = -1.0;
        for (var day = 0; day <= 60; day++)
        {
            var trust = ReporterTrust.Compute(ReporterKind.Community, 1.0, TimeSpan.FromDays(day), 100);
            if (day <= 30)
                Assert.True(trust > previous, $"day {day}");
            else
                Assert.Equal(previous, trust, 12);
            previous = trust;
        }

        Assert.Equal(0.5 * ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 100),
            ReporterTrust.Compute(ReporterKind.Community, 1.0, TimeSpan.Zero, 100), 12);
    }

    [Fact]
    public void Accepted_reports_raise_trust_with_diminishing_returns()
    {
        var none = ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 0);
        var ten = ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 9);
        var hundred = ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 99);
        var thousand = ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 999);
        var million = ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 1_000_000);
        Assert.True(none < ten && ten < hundred && hundred < thousand);
        Assert.Equal(thousand, million, 12);
        Assert.Equal(0.8, none, 12);
        Assert.Equal(1.0, hundred, 12);
        Assert.Equal(1.1, thousand, 12);
    }

    [Fact]
    public void Higher_tier_trust_gives_more_and_documented_examples_hold()
    {
        Assert.True(ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 10)
            > ReporterTrust.Compute(ReporterKind.Community, 0.6, Old, 10));
        // docs/scoring.md: a brand-new free key, an established contributor, an established sensor.
        Assert.Equal(0.24, ReporterTrust.Compute(ReporterKind.Community, 0.6, TimeSpan.Zero, 0), 12);
        Assert.Equal(1.1, ReporterTrust.Compute(ReporterKind.Community, 1.0, Old, 5000), 12);
        Assert.Equal(1.375, ReporterTrust.Compute(ReporterKind.Sensor, 1.0, Old, 5000), 12);
        Assert.Equal(ReporterTrust.Max, ReporterTrust.Compute(ReporterKind.Sensor, 2.0, Old, 5000), 12);
    }
}
