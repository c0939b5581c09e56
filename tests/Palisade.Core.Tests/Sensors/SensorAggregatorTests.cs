using Palisade.Core.Reports;
using Palisade.Core.Sensors;

namespace Palisade.Core.Tests.Sensors;

public sealed class SensorAggregatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static SensorEvent Login(string address, string protocol, string user, DateTimeOffset at, string? password = null)
        => new(address, protocol, 2222, SensorEventKind.Login, at, Username: user, Password: password);

    [Fact]
    public void Attempts_of_one_address_and_behaviour_become_one_report_with_the_first_username_and_the_others_in_the_comment()
    {
        var aggregator = new SensorAggregator(TimeSpan.FromMinutes(15));
        aggregator.Add(Login("45.33.1.1", "ssh", "root", Start, "hunter2"));
        aggregator.Add(Login("45.33.1.1", "ssh", "admin", Start.AddSeconds(1)));
        aggregator.Add(Login("45.33.1.1", "ssh", "root", Start.AddSeconds(2)));
        var report = Assert.Single(aggregator.TakeReady(Start.AddSeconds(5)));
        Assert.Equal("45.33.1.1", report.Ip);
        Assert.Equal([SensorRuleTable.BruteForce], report.Categories);
        Assert.Equal("ssh", report.Protocol);
        Assert.Equal(2222, report.Port);
        Assert.Equal("root", report.Username);
        Assert.Equal(Start, report.Timestamp);
        Assert.Equal("palisade sensor: ssh login, 3 events; usernames: root, admin", report.Comment);
        Assert.DoesNotContain("hunter2", report.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeats_inside_the_window_are_not_reported_again_and_after_it_they_are()
    {
        var aggregator = new SensorAggregator(TimeSpan.FromMinutes(15));
        aggregator.Add(Login("45.33.1.1", "ssh", "root", Start));
        Assert.Single(aggregator.TakeReady(Start.AddSeconds(5)));
        aggregator.Add(Login("45.33.1.1", "ssh", "oracle", Start.AddMinutes(10)));
        Assert.Empty(aggregator.TakeReady(Start.AddMinutes(10)));
        aggregator.Add(Login("45.33.1.1", "ssh", "oracle", Start.AddMinutes(16)));
        var again = Assert.Single(aggregator.TakeReady(Start.AddMinutes(16)));
        Assert.Equal("oracle", again.Username);
        Assert.Equal(Start.AddMinutes(16), again.Timestamp);
    }

    [Fact]
    public void Other_addresses_protocols_and_categories_are_separate_behaviours()
    {
        var aggregator = new SensorAggregator(TimeSpan.FromMinutes(15));
        aggregator.Add(Login("45.33.1.1", "ssh", "root", Start));
        aggregator.Add(Login("45.33.1.1", "telnet", "root", Start));
        aggregator.Add(Login("45.33.1.2", "ssh", "root", Start));
        aggregator.Add(new SensorEvent("45.33.1.1", "ssh", 2222, SensorEventKind.Connect, Start));
        aggregator.Add(new SensorEvent("45.33.1.1", "http", 8081, SensorEventKind.HttpRequest, Start, Method: "GET", Path: "/.env"));
        aggregator.Add(new SensorEvent("45.33.1.1", "http", 8081, SensorEventKind.HttpRequest, Start, Method: "GET", Path: "/.git/config"));
        var reports = aggregator.TakeReady(Start.AddSeconds(1));
        Assert.Equal(5, reports.Count);
        var web = Assert.Single(reports, r => r.Categories[0] == SensorRuleTable.WebExploit);
        Assert.Null(web.Username);
        Assert.Equal("palisade sensor: http web-exploit-path, 2 events; requests: GET /.env, GET /.git/config", web.Comment);
    }

    [Fact]
    public void Attacker_text_is_cleaned_and_comments_stay_within_the_limit()
    {
        var aggregator = new SensorAggregator(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 50; i++)
        {
            aggregator.Add(Login("45.33.1.1", "ssh", new string((char)('a' + (i % 26)), 200) + i + "\u001b[2J", Start));
        }

        var report = Assert.Single(aggregator.TakeReady(Start));
        Assert.True(report.Comment.Length <= ReportLimits.MaxCommentLength);
        Assert.DoesNotContain('\u001b', report.Comment);
        Assert.Equal(80, report.Username!.Length);
        Assert.Equal(SensorAggregator.MaxUsernamesInComment, report.Comment.Split("; usernames: ")[1].Split(", ").Length);
    }

    [Fact]
    public void Behaviours_beyond_the_bound_are_counted_as_dropped()
    {
        var aggregator = new SensorAggregator(TimeSpan.FromMinutes(15), maxEntries: 2);
        aggregator.Add(Login("45.33.1.1", "ssh", "a", Start));
        aggregator.Add(Login("45.33.1.2", "ssh", "a", Start));
        aggregator.Add(Login("45.33.1.3", "ssh", "a", Start));
        aggregator.Add(Login("45.33.1.1", "ssh", "b", Start));
        Assert.Equal(1, aggregator.Dropped);
        Assert.Equal(2, aggregator.TakeReady(Start).Count);
        Assert.Empty(aggregator.TakeReady(Start.AddMinutes(20)));
        Assert.Equal(0, aggregator.Count);
    }

    [Fact]
    public void The_tally_counts_today_per_protocol_with_top_usernames_and_starts_again_at_midnight()
    {
        var tally = new SensorTally();
        tally.Add(Login("45.33.1.1", "ssh", "root", Start));
        tally.Add(Login("45.33.1.2", "ssh", "root", Start));
        tally.Add(Login("45.33.1.2", "ftp", "admin", Start));
        tally.Add(new SensorEvent("45.33.1.3", "http", 80, SensorEventKind.HttpRequest, Start, Path: "/"));
        var today = tally.Snapshot(Start.AddHours(1));
        Assert.Equal(2, today.EventsByProtocol["ssh"]);
        Assert.Equal(1, today.EventsByProtocol["ftp"]);
        Assert.Equal(1, today.EventsByProtocol["http"]);
        Assert.Equal([new UsernameCount("root", 2), new UsernameCount("admin", 1)], today.TopUsernames);
        var tomorrow = tally.Snapshot(Start.AddDays(1));
        Assert.Empty(tomorrow.EventsByProtocol);
        Assert.Empty(tomorrow.TopUsernames);
    }
}
