using System.Text.Json;
using Palisade.Core.Alerts;

namespace Palisade.Core.Tests.Alerts;

public sealed class AlertMatcherTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert Make(long id, AlertTargetKind kind, string target, bool enabled = true, int minScore = 0, int[]? categories = null)
        => new(id, 1, kind, target, null, enabled, new AlertPreferences(minScore, categories ?? [], null, null, TimeSpan.Zero), null, Now, null, 0, 0);

    private static long[] Ids(IReadOnlyList<Alert> alerts) => [.. alerts.Select(a => a.Id).Order()];

    [Fact]
    public void Ip_alert_matches_only_its_own_address()
    {
        var matcher = new AlertMatcher([Make(1, AlertTargetKind.Ip, "203.0.113.7")]);
        Assert.Equal([1L], Ids(matcher.Match("203.0.113.7", null, null)));
        Assert.Empty(matcher.Match("203.0.113.8", null, null));
    }

    [Fact]
    public void Range_alerts_match_every_address_inside_and_none_outside_for_v4_and_v6()
    {
        var matcher = new AlertMatcher([
            Make(1, AlertTargetKind.Range, "198.51.100.0/24"),
            Make(2, AlertTargetKind.Range, "198.51.100.128/25"),
            Make(3, AlertTargetKind.Range, "2001:db8:10::/48"),
            Make(4, AlertTargetKind.Range, "0.0.0.0/0"),
        ]);
        Assert.Equal([1L, 4L], Ids(matcher.Match("198.51.100.0", null, null)));
        Assert.Equal([1L, 2L, 4L], Ids(matcher.Match("198.51.100.255", null, null)));
        Assert.Equal([4L], Ids(matcher.Match("198.51.101.0", null, null)));
        Assert.Equal([3L], Ids(matcher.Match("2001:db8:10:ffff::1", null, null)));
        Assert.Empty(matcher.Match("2001:db8:11::1", null, null));
    }

    [Fact]
    public void Username_matches_exactly_and_email_is_found_in_the_raw_comment_case_insensitively()
    {
        var matcher = new AlertMatcher([
            Make(1, AlertTargetKind.Username, "admin"),
            Make(2, AlertTargetKind.Email, "victim@example.org"),
        ]);
        Assert.Equal([1L], Ids(matcher.Match("192.0.2.1", "admin", null)));
        Assert.Empty(matcher.Match("192.0.2.1", "Admin", null));
        Assert.Equal([2L], Ids(matcher.Match("192.0.2.1", null, "phishing sent to <Victim@Example.ORG>, see headers")));
        Assert.Empty(matcher.Match("192.0.2.1", null, "phishing sent to other@example.org"));
    }

    [Fact]
    public void An_alert_matched_several_ways_is_returned_once_and_disabled_alerts_never()
    {
        var watch = Make(1, AlertTargetKind.Range, "192.0.2.0/28");
        var matcher = new AlertMatcher([
            watch,
            watch with { Kind = AlertTargetKind.Ip, Target = "192.0.2.1" },
            Make(2, AlertTargetKind.Ip, "192.0.2.1", enabled: false),
        ]);
        Assert.Equal(2, matcher.Count);
        Assert.Equal([1L], Ids(matcher.Match("192.0.2.1", null, null)));
    }

    [Fact]
    public void Preferences_filter_by_minimum_score_and_any_listed_category()
    {
        var preferences = new AlertPreferences(50, [4, 18], null, null, TimeSpan.Zero);
        Assert.True(preferences.Accepts([18], 50));
        Assert.False(preferences.Accepts([18], 49));
        Assert.False(preferences.Accepts([3, 5], 90));
        Assert.True(new AlertPreferences(0, [], null, null, TimeSpan.Zero).Accepts([3], 0));
    }

    [Theory]
    [InlineData(AlertTargetKind.Ip, "45.33.32.5", "45.33.32.5")]
    [InlineData(AlertTargetKind.Ip, "::ffff:45.33.32.5", "45.33.32.5")]
    [InlineData(AlertTargetKind.Range, "203.0.113.0/28", "203.0.113.0/28")]
    [InlineData(AlertTargetKind.Range, "2001:DB8::/60", "2001:db8::/60")]
    [InlineData(AlertTargetKind.Email, "Victim@Example.org", "victim@example.org")]
    public void Targets_are_normalized(AlertTargetKind kind, string input, string expected)
    {
        Assert.True(AlertTargets.TryNormalize(kind, input, AlertLimits.Free, out var target, out var error), error);
        Assert.Equal(expected, target);
    }

    [Theory]
    [InlineData(AlertTargetKind.Ip, "10.0.0.1", "not a public address")]
    [InlineData(AlertTargetKind.Ip, "1.2.3", "1.2.3")]
    [InlineData(AlertTargetKind.Range, "203.0.113.0/24", "/28")]
    [InlineData(AlertTargetKind.Range, "2001:db8::/48", "/60")]
    [InlineData(AlertTargetKind.Range, "203.0.113.5/28", "host bits")]
    [InlineData(AlertTargetKind.Email, "not-an-address", "not an e-mail address")]
    [InlineData(AlertTargetKind.Username, "", "1 to")]
    public void Bad_targets_and_ranges_wider_than_the_tier_allows_are_refused(AlertTargetKind kind, string input, string message)
    {
        Assert.False(AlertTargets.TryNormalize(kind, input, AlertLimits.Free, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_payload_carries_the_matches_and_says_when_more_wait()
    {
        var alert = Make(9, AlertTargetKind.Range, "198.51.100.0/24") with { Label = "office" };
        var events = new[] { new AlertEvent(1, 9, 77, "198.51.100.9", [4, 18], 63, null, Now) };
        using var one = JsonDocument.Parse(AlertDigest.Build(alert, events, 1, Now));
        Assert.Equal("cidr", one.RootElement.GetProperty("alert").GetProperty("type").GetString());
        Assert.Equal("198.51.100.9", one.RootElement.GetProperty("matches")[0].GetProperty("ip").GetString());
        Assert.Equal(63, one.RootElement.GetProperty("matches")[0].GetProperty("score").GetInt32());
        Assert.False(one.RootElement.GetProperty("truncated").GetBoolean());
        using var more = JsonDocument.Parse(AlertDigest.Build(alert, events, 250, Now));
        Assert.True(more.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(250, more.RootElement.GetProperty("matchCount").GetInt64());
    }

    [Fact]
    public void Ten_thousand_alerts_of_mixed_prefix_lengths_each_match_their_own_addresses()
    {
        var alerts = new List<Alert>();
        for (var i = 0; i < 5_000; i++)
        {
            alerts.Add(Make(i + 1, AlertTargetKind.Ip, $"100.{i / 256}.{i % 256}.1"));
            alerts.Add(Make(10_000 + i, AlertTargetKind.Range, $"101.{i / 256}.{i % 256}.0/{24 + (i % 5)}"));
        }

        var matcher = new AlertMatcher(alerts);
        Assert.Equal([77L], Ids(matcher.Match("100.0.76.1", null, null)));
        Assert.Equal([10_076L], Ids(matcher.Match("101.0.76.3", null, null)));

        // Every range of every prefix length in use is found from any address inside it.
        for (var i = 0; i < 5_000; i += 97)
        {
            Assert.Equal([10_000L + i], Ids(matcher.Match($"101.{i / 256}.{i % 256}.{(1 << (8 - (24 + (i % 5) - 24))) - 1}", null, null)));
        }
    }
}
