using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>
/// <c>/dashboard/ip/{ip}</c>: score and band, the verbose breakdown, a timeline chart, recent reports, geo (with the
/// DB-IP attribution its licence asks for) and, for IPv6, the roll-up of the /64.
/// </summary>
public static class DashboardIpPage
{
    public const int TimelineDays = 90;
    private const int ReportsShown = 50;

    /// <summary>The look-up box: sends the browser to the address's page.</summary>
    public static IResult Lookup(HttpContext http)
    {
        var user = DashboardSession.User(http);

        var text = http.Request.Query["address"].ToString().Trim();
        if (!IpAddressParser.TryParse(text, out var address, out var error))
        {
            return NotAnAddress(http, user, error);
        }

        return DashboardPage.SeeOther(http, "/dashboard/ip/" + Uri.EscapeDataString(address.Text));
    }

    /// <summary>The address's page, metered: <see cref="DashboardOptions.IpLookupsPerDay"/> pages per account per UTC day.</summary>
    public static async Task<IResult> Show(string address, HttpContext http, ReputationIndex index, ReportHistory history, IGeoLookup geo,
        IQuotaCounter quotas, DashboardOptions options, IClock clock)
    {
        var user = DashboardSession.User(http);
        if (!IpAddressParser.TryParse(address, out var parsed, out var error))
        {
            return NotAnAddress(http, user, error);
        }

        // Counted like a key's checks (same counters, on every node), under the account's negated id: key ids are positive.
        var lookup = await quotas.TryConsumeAsync(-user.Id, QuotaFamily.Check, 1, options.IpLookupsPerDay, clock.UtcNow);
        if (!lookup.Allowed)
        {
            DashboardPage.RetryAfter(http, lookup.ResetsAt - clock.UtcNow);
            return DashboardPage.Message(http, user, StatusCodes.Status429TooManyRequests, "Daily limit reached",
                $"An account may view {options.IpLookupsPerDay} address pages a day; the count starts again at midnight UTC. " +
                "For more, check addresses through the API with one of your keys (its check quota).");
        }

        var result = index.Check(parsed, CheckQuery.Default);
        var reports = await history.RecentAsync(result, CheckQuery.Default, http.RequestAborted) ?? [];
        var location = parsed.IsPublic ? geo.Lookup(parsed.Address) : null;
        var prefix = parsed.IsIPv6 ? index.Prefix64(parsed.Text) : null;
        var today = DateOnly.FromDateTime(clock.UtcNow.UtcDateTime);
        return DashboardPage.Render(http, parsed.Text, user, html =>
        {
            html.Open("section", ("id", "summary"))
                .Element("span", result.Score.ToString(CultureInfo.InvariantCulture), ("class", "score"), ("id", "score"))
                .Element("span", BandName(result.Score), ("class", "band"), ("id", "band"));
            if (!parsed.IsPublic)
            {
                html.Element("p", $"{parsed.Text} is not a public address ({parsed.Kind}); it is never scored.", ("class", "muted"));
            }
            else if (!result.Found)
            {
                html.Element("p", "No reports about this address.", ("class", "muted"), ("id", "no-reports"));
            }
            else
            {
                html.Element("p", $"{reports.Count} recent report(s); first seen {Time(result.FirstSeen)}, last seen {Time(result.LastSeen)}.",
                    ("class", "muted"));
            }

            if (result.Whitelisted is { } listed)
            {
                html.Element("p", $"On the whitelist '{listed.Name}': the score is discounted (raw score {result.Breakdown.RawScore}).", ("class", "notice"));
            }

            html.Close("section");
            if (location is not null)
            {
                html.Open("section", ("id", "geo")).Element("h2", "Location").Open("div", ("class", "grid"))
                    .Element("div", "Country: " + (location.CountryName ?? "unknown") + (location.CountryCode is { } cc ? $" ({cc})" : ""))
                    .Element("div", "Network: " + (location.AsnLabel ?? "unknown") + (location.AsName is { } name ? " " + name : ""))
                    .Close("div")
                    .Open("p", ("class", "muted")).Element("a", "IP Geolocation by DB-IP", ("href", "https://db-ip.com")).Close("p")
                    .Close("section");
            }

            if (prefix is not null)
            {
                html.Open("section", ("id", "prefix64")).Element("h2", "The /64 taken together")
                    .Element("p", $"{prefix.Prefix}: {prefix.Addresses} address(es), {prefix.Reports} report(s), score {prefix.Score}" +
                        $" ({BandName(prefix.Score)}); last seen {Time(prefix.LastSeen)}.")
                    .Close("section");
            }

            html.Open("section", ("id", "timeline")).Element("h2", "Timeline");
            DashboardCharts.Timeline(html, result.Timeline, today, TimelineDays);
            html.Close("section");
            Breakdown(html, result);
            Reports(html, reports);
        });
    }

    /// <summary>The bands of docs/scoring.md.</summary>
    public static string BandName(int score) => score switch
    {
        >= 90 => "very high",
        >= 70 => "high",
        >= 40 => "medium",
        >= 10 => "low",
        _ => "none",
    };

    private static void Breakdown(HtmlWriter html, CheckResult result)
    {
        var b = result.Breakdown;
        html.Open("section", ("id", "breakdown")).Element("h2", "Score breakdown").Open("table").Open("tbody");
        Row(html, "Sensor evidence", Number(b.SensorEvidence));
        Row(html, "Community evidence", Number(b.CommunityEvidence));
        Row(html, "Cross-source multiplier", "× " + Number(b.CrossSourceMultiplier));
        Row(html, "Raw evidence", Number(b.RawEvidence));
        Row(html, "Critical floor", b.CriticalFloor.ToString(CultureInfo.InvariantCulture));
        Row(html, "Whitelist multiplier", "× " + Number(b.WhitelistMultiplier) + (b.WhitelistName is { } n ? $" ({n})" : ""));
        Row(html, "Score before whitelist", b.RawScore.ToString(CultureInfo.InvariantCulture));
        Row(html, "Score", b.Score.ToString(CultureInfo.InvariantCulture));
        html.Close("tbody").Close("table");
        if (b.Components.Count > 0)
        {
            html.Element("h3", "Components").Open("table", ("id", "components")).Open("thead").Open("tr")
                .Element("th", "Component").Element("th", "Points").Element("th", "How").Close("tr").Close("thead").Open("tbody");
            foreach (var component in b.Components)
            {
                html.Open("tr").Element("td", component.Name).Element("td", Number(component.Value)).Element("td", component.Detail).Close("tr");
            }

            html.Close("tbody").Close("table");
        }

        html.Close("section");
    }

    private static void Reports(HtmlWriter html, IReadOnlyList<StoredReport> reports)
    {
        html.Open("section", ("id", "reports")).Element("h2", "Recent reports");
        if (reports.Count == 0)
        {
            html.Element("p", "None.", ("class", "muted"));
        }
        else
        {
            html.Open("table").Open("thead").Open("tr").Element("th", "Reported").Element("th", "Categories").Element("th", "Protocol")
                .Element("th", "Comment").Close("tr").Close("thead").Open("tbody");
            foreach (var report in reports.Take(ReportsShown))
            {
                html.Open("tr", ("class", "report"))
                    .Element("td", Time(report.ReportedAt))
                    .Element("td", string.Join(", ", report.Categories.Select(c => CategoryCatalog.Get(c).Name)))
                    .Element("td", report.Protocol is null ? "" : report.Protocol + (report.Port is { } port ? ":" + port.ToString(CultureInfo.InvariantCulture) : ""))
                    .Element("td", report.Comment)
                    .Close("tr");
            }

            html.Close("tbody").Close("table");
        }

        html.Close("section");
    }

    private static void Row(HtmlWriter html, string name, string value) => html.Open("tr").Element("th", name).Element("td", value).Close("tr");

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never";

    private static IResult NotAnAddress(HttpContext http, DashboardUser user, string error)
        => DashboardPage.Message(http, user, StatusCodes.Status400BadRequest, "Not an IP address", error);
}
