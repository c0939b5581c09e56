using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Hosting;
using Palisade.Server.Native;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>
/// Blacklist export: a score histogram in 10-point buckets over the current blocklist snapshot, the filters of
/// <c>GET /v1/key/blacklist</c>, and download links that run that endpoint for one of the user's keys (charged to its
/// blacklist quota, with the same validation and errors). Downloads are POSTs with the antiforgery token, since they spend quota.
/// </summary>
public static class DashboardBlacklistPage
{
    public const int DefaultScoreMinimum = 25;

    /// <summary>The endpoint's filters, passed through unchanged to the download.</summary>
    private static readonly string[] Filters =
        ["scoreMinimum", "limit", "onlyCountries", "exceptCountries", "onlyAsn", "exceptAsn", "ipVersion", "protocols", "categories", "minSeverity",
         "maxAgeInDays", "ignoreWhitelist"];

    private static readonly string[] Formats = ["plaintext", "csv", "json", "ipset", "iptables", "iptables-restore", "ip6tables-restore", "nftables", "nginx", "nginx-geo", "csf"];

    public static async Task<IResult> Show(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, BlocklistEngine engine)
    {
        var user = DashboardSession.User(http);

        var query = http.Request.Query;
        var scoreMinimum = DefaultScoreMinimum;
        if (query["scoreMinimum"].ToString() is { Length: > 0 } scoreText &&
            !BlocklistParameters.TryParseScore("scoreMinimum", scoreText, out scoreMinimum, out var scoreError))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status400BadRequest, "Bad filter", scoreError);
        }

        var buckets = new long[10];
        var listed = 0L;
        var snapshot = await engine.CurrentAsync(http.RequestAborted);
        foreach (var entry in snapshot.Entries)
        {
            buckets[Math.Min(9, Math.Max(0, entry.Score) / 10)]++;
            listed += entry.Score >= scoreMinimum ? 1 : 0;
        }

        var keys = (await DashboardKeyPages.OwnedKeysAsync(user, users, keyStore, http.RequestAborted)).Where(k => !k.IsRevoked).ToList();
        var selectedKey = long.TryParse(query["key"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var chosen) &&
            keys.Any(k => k.Id == chosen) ? chosen : keys.FirstOrDefault()?.Id;
        return DashboardPage.Render(http, "Blacklist export", user, html =>
        {
            html.Open("section", ("id", "histogram")).Element("h2", "Scores of listed addresses");
            DashboardCharts.Histogram(html, buckets, scoreMinimum);
            html.Element("p", $"{snapshot.Count.ToString(CultureInfo.InvariantCulture)} address(es) in the list; " +
                $"{listed.ToString(CultureInfo.InvariantCulture)} score {scoreMinimum} or more.", ("id", "listed-count"))
                .Element("p", "50+ gives broad coverage; 75+ keeps false positives low. Addresses below 35 are typically benign scanners or very new.",
                    ("class", "muted"))
                .Close("section");

            html.Open("section").Element("h2", "Filters").Open("form", ("method", "get"), ("action", "/dashboard/blacklist"), ("id", "filters"))
                .Open("label", ("for", "scoreMinimum")).Text("Minimum score: ")
                .Element("output", scoreMinimum.ToString(CultureInfo.InvariantCulture), ("id", "scoreMinimumValue"), ("for", "scoreMinimum")).Close("label")
                .Open("input", ("type", "range"), ("id", "scoreMinimum"), ("name", "scoreMinimum"), ("min", "0"), ("max", "100"), ("step", "1"),
                    ("value", scoreMinimum.ToString(CultureInfo.InvariantCulture)))
                .Open("div", ("class", "grid"));
            foreach (var filter in Filters.Skip(1))
            {
                html.Open("div").Element("label", filter, ("for", "f-" + filter))
                    .Open("input", ("id", "f-" + filter), ("name", filter), ("value", query[filter].ToString()), ("maxlength", "2000")).Close("div");
            }

            html.Close("div");
            if (keys.Count > 0)
            {
                html.Element("label", "Charge downloads to key", ("for", "key")).Open("select", ("id", "key"), ("name", "key"));
                foreach (var key in keys)
                {
                    html.Open("option", ("value", key.Id.ToString(CultureInfo.InvariantCulture)), ("selected", key.Id == selectedKey ? "" : null))
                        .Text($"{DashboardKeyPages.DisplayName(user, key)} ({key.Prefix}…)").Close("option");
                }

                html.Close("select");
            }

            html.Open("p").Element("button", "Apply", ("type", "submit")).Close("p").Close("form").Close("section");

            html.Open("section", ("id", "downloads")).Element("h2", "Download");
            if (selectedKey is not { } keyId)
            {
                html.Element("p", "Create an API key first: downloads are charged to a key's daily blacklist quota.", ("class", "muted"));
            }
            else
            {
                html.Element("p", "Each address downloaded counts against the chosen key's daily blacklist quota.", ("class", "muted")).Open("ul");
                foreach (var format in Formats)
                {
                    var parameters = new Dictionary<string, string?>
                    {
                        ["key"] = keyId.ToString(CultureInfo.InvariantCulture),
                        ["format"] = format,
                        ["scoreMinimum"] = scoreMinimum.ToString(CultureInfo.InvariantCulture),
                    };
                    foreach (var filter in Filters.Skip(1))
                    {
                        if (query[filter].ToString() is { Length: > 0 } value)
                        {
                            parameters[filter] = value;
                        }
                    }

                    // A POST with the antiforgery token: a cross-site link or image cannot spend the quota.
                    html.Open("li").Open("form", ("method", "post"), ("action", QueryHelpers.AddQueryString("/dashboard/blacklist/download", parameters)),
                        ("class", "inline"));
                    DashboardPage.Antiforgery(http, html);
                    html.Element("button", format, ("type", "submit"), ("class", "download"), ("data-format", format)).Close("form").Close("li");
                }

                html.Close("ul");
            }

            html.Close("section");
        });
    }

    /// <summary>Runs GET /v1/key/blacklist (filters in the query string) for one of the user's keys: its filters, its quota, its answer (as an attachment).</summary>
    public static async Task<IResult> Download(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, KeyRing keyRing, BlocklistEngine engine,
        IQuotaCounter quotas, IClock clock, SavedFullList savedList)
    {
        var user = DashboardSession.User(http);
        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        var owned = long.TryParse(http.Request.Query["key"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var keyId)
            ? (await DashboardKeyPages.OwnedKeysAsync(user, users, keyStore, http.RequestAborted)).FirstOrDefault(k => k.Id == keyId)
            : null;
        if (owned is null || owned.IsRevoked)
        {
            return DashboardPage.Message(http, user, StatusCodes.Status404NotFound, "No such key", "Choose one of your active keys.");
        }

        if (!keyRing.Tiers.TryGet(owned.TierId, out var tier) || !tier.Allows(Feature.Blacklist))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status403Forbidden, "Not included", "This key's tier does not include the blacklist.");
        }

        var access = new AccessContext(new AuthenticatedKey(owned, tier), QuotaFamily.Blacklist);
        access.Attach(http);
        var result = await BlacklistApi.Blacklist(http, engine, quotas, clock, savedList);
        if (access.Decision is { } decision)
        {
            QuotaHeaders.Write(http.Response.Headers, decision);
        }

        if (http.Response.StatusCode is StatusCodes.Status200OK or 0 &&
            BlocklistParameters.TryParseFormat("format", http.Request.Query["format"].ToString() is { Length: > 0 } f ? f : "json", out var format, out _))
        {
            var extension = format switch
            {
                BlocklistFormat.Json => "json",
                BlocklistFormat.Csv => "csv",
                BlocklistFormat.Nftables => "nft",
                BlocklistFormat.Nginx or BlocklistFormat.NginxGeo => "conf",
                BlocklistFormat.IptablesRestore or BlocklistFormat.Ip6tablesRestore => "rules",
                _ => "txt",
            };
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"palisade-blacklist-{BlocklistParameters.FormatName(format)}.{extension}\"";
        }

        return result;
    }
}
