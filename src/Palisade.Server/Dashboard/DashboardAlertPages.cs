using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Alerts;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Alerts;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>Alerts of the user's keys: list, create (same rules and limits as POST /v1/key/alerts), delete.</summary>
public static class DashboardAlertPages
{
    private const int MaxLabelLength = 100;
    private static readonly string[] Headings = ["Key", "Watches", "Label", "Min score", "Delivery", "Alerts sent", ""];

    public static async Task<IResult> List(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, IAlertStore alerts, DashboardFlash flash)
    {
        var user = DashboardSession.User(http);

        var keys = (await DashboardKeyPages.OwnedKeysAsync(user, users, keyStore, http.RequestAborted)).Where(k => !k.IsRevoked).ToList();
        var rows = new List<(ApiKey Key, Alert Alert)>();
        foreach (var key in keys)
        {
            rows.AddRange((await alerts.ListByKeyAsync(key.Id, http.RequestAborted)).Select(a => (key, a)));
        }

        var message = flash.Take(http, user.Id);
        return DashboardPage.Render(http, "Alerts", user, html =>
        {
            if (message is not null)
            {
                html.Element("p", message, ("class", "notice secret"), ("id", "flash"));
            }

            html.Open("section").Element("h2", "Your alerts");
            if (rows.Count == 0)
            {
                html.Element("p", "No alerts yet.", ("class", "muted"));
            }
            else
            {
                html.Open("table", ("id", "alerts")).Open("thead").Open("tr");
                foreach (var heading in Headings)
                {
                    html.Element("th", heading);
                }

                html.Close("tr").Close("thead").Open("tbody");
                foreach (var (key, alert) in rows)
                {
                    var id = alert.Id.ToString(CultureInfo.InvariantCulture);
                    html.Open("tr", ("data-alert-id", id)).Element("td", DashboardKeyPages.DisplayName(user, key))
                        .Element("td", AlertTargets.Name(alert.Kind) + ": " + alert.Target, ("class", "alert-target"))
                        .Element("td", alert.Label).Element("td", alert.Preferences.MinScore.ToString(CultureInfo.InvariantCulture))
                        .Element("td", alert.Preferences.WebhookUrl ?? alert.Preferences.NotifyEmail ?? "listed only")
                        .Element("td", alert.TotalAlerts.ToString(CultureInfo.InvariantCulture))
                        .Open("td").Open("form", ("method", "post"), ("action", $"/dashboard/alerts/{id}/delete"), ("class", "inline"));
                    DashboardPage.Antiforgery(http, html);
                    html.Element("button", "Delete", ("type", "submit"), ("class", "danger")).Close("form").Close("td").Close("tr");
                }

                html.Close("tbody").Close("table");
            }

            html.Close("section").Open("section").Element("h2", "New alert");
            if (keys.Count == 0)
            {
                html.Element("p", "Alerts belong to an API key: create a key first.", ("class", "muted"));
            }
            else
            {
                html.Open("form", ("method", "post"), ("action", "/dashboard/alerts"), ("id", "create-alert"));
                DashboardPage.Antiforgery(http, html);
                html.Element("label", "Key", ("for", "alert-key")).Open("select", ("id", "alert-key"), ("name", "key"));
                foreach (var key in keys)
                {
                    html.Element("option", DashboardKeyPages.DisplayName(user, key), ("value", key.Id.ToString(CultureInfo.InvariantCulture)));
                }

                html.Close("select").Element("label", "Watch", ("for", "alert-kind")).Open("select", ("id", "alert-kind"), ("name", "kind"));
                foreach (var kind in Enum.GetValues<AlertTargetKind>())
                {
                    html.Element("option", AlertTargets.Name(kind), ("value", kind.ToString().ToLowerInvariant()));
                }

                html.Close("select")
                    .Element("label", "Address, network, username or e-mail", ("for", "alert-target"))
                    .Open("input", ("id", "alert-target"), ("name", "target"), ("required", ""), ("maxlength", "300"))
                    .Element("label", "Label", ("for", "alert-label"))
                    .Open("input", ("id", "alert-label"), ("name", "label"), ("maxlength", MaxLabelLength.ToString(CultureInfo.InvariantCulture)))
                    .Element("label", "Minimum score (0–100)", ("for", "alert-min-score"))
                    .Open("input", ("id", "alert-min-score"), ("name", "minScore"), ("type", "number"), ("min", "0"), ("max", "100"), ("value", "0"))
                    .Element("label", "Webhook URL (optional)", ("for", "alert-webhook"))
                    .Open("input", ("id", "alert-webhook"), ("name", "webhookUrl"), ("type", "url"), ("maxlength", "2048"))
                    .Open("p").Element("button", "Create alert", ("type", "submit")).Close("p").Close("form");
            }

            html.Close("section");
        });
    }

    public static async Task<IResult> Create(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, KeyRing keyRing, IAlertStore alerts,
        AlertRegistry registry, WebhookTargetPolicy webhooks, DashboardFlash flash, IQuotaCounter quotas, DashboardOptions options, IClock clock)
    {
        var user = DashboardSession.User(http);

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = long.TryParse(form["key"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var keyId)
            ? (await DashboardKeyPages.OwnedKeysAsync(user, users, keyStore, http.RequestAborted)).FirstOrDefault(k => k.Id == keyId && !k.IsRevoked)
            : null;
        if (key is null || !keyRing.Tiers.TryGet(key.TierId, out var tier))
        {
            return Refused(http, user, StatusCodes.Status404NotFound, "Choose one of your active keys.");
        }

        if (!tier.Allows(Feature.Alerts))
        {
            return Refused(http, user, StatusCodes.Status403Forbidden, $"The {tier.DisplayName} tier does not include alerts.");
        }

        if (!Enum.TryParse<AlertTargetKind>(form["kind"].ToString(), ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            return Refused(http, user, StatusCodes.Status400BadRequest, "Choose what the alert watches: ip, range, username or email.");
        }

        var limits = AlertLimits.For(tier.Id);
        if (!AlertTargets.TryNormalize(kind, form["target"].ToString().Trim(), limits, out var target, out var targetError))
        {
            return Refused(http, user, StatusCodes.Status400BadRequest, targetError);
        }

        var label = form["label"].ToString().Trim();
        if (label.Length > MaxLabelLength || label.Any(char.IsControl))
        {
            return Refused(http, user, StatusCodes.Status400BadRequest, $"The label must be at most {MaxLabelLength} characters, without control characters.");
        }

        var minScoreText = form["minScore"].ToString();
        var minScore = 0;
        if (minScoreText.Length > 0 && (!int.TryParse(minScoreText, NumberStyles.None, CultureInfo.InvariantCulture, out minScore) || minScore > 100))
        {
            return Refused(http, user, StatusCodes.Status400BadRequest, "The minimum score must be a whole number from 0 to 100.");
        }

        string? webhook = null;
        if (form["webhookUrl"].ToString().Trim() is { Length: > 0 } webhookText && !webhooks.TryValidate(webhookText, out webhook, out var webhookError))
        {
            return Refused(http, user, StatusCodes.Status400BadRequest, webhookError);
        }

        var counts = await alerts.CountByKindAsync(key.Id, http.RequestAborted);
        if (counts.GetValueOrDefault(kind) >= limits.LimitFor(kind) || counts.Values.Sum() >= AlertLimits.MaxPerKey)
        {
            return Refused(http, user, StatusCodes.Status403Forbidden,
                $"The {tier.DisplayName} tier allows {Math.Min(limits.LimitFor(kind), AlertLimits.MaxPerKey)} {AlertTargets.Name(kind)} alert(s) per key; delete one first.");
        }

        if (await ChargeChangeAsync(http, user, quotas, options, clock) is { } exhausted)
        {
            return exhausted;
        }

        var secret = webhook is null ? null : Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var preferences = new AlertPreferences(minScore, [], null, webhook, AlertPreferences.DefaultCooldown);
        await alerts.CreateAsync(new Alert(0, key.Id, kind, target, label.Length == 0 ? null : label, true, preferences, secret, clock.UtcNow, null, 0, 0),
            http.RequestAborted);
        await registry.ReloadAsync(http.RequestAborted);
        flash.Set(http, user.Id, secret is null
            ? $"Alert on {target} created."
            : $"Alert on {target} created. Webhook signing secret (shown once): {secret}");
        return DashboardPage.SeeOther(http, "/dashboard/alerts");
    }

    public static async Task<IResult> Delete(string id, HttpContext http, SqlDashboardUserStore users, IAlertStore alerts, AlertRegistry registry,
        IQuotaCounter quotas, DashboardOptions options, IClock clock)
    {
        var user = DashboardSession.User(http);

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        var alert = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var alertId)
            ? await alerts.GetAsync(alertId, http.RequestAborted)
            : null;
        if (alert is null || !await users.OwnsKeyAsync(user.Id, alert.KeyId, http.RequestAborted))
        {
            return Refused(http, user, StatusCodes.Status404NotFound, "You have no alert with this id.");
        }

        if (await ChargeChangeAsync(http, user, quotas, options, clock) is { } exhausted)
        {
            return exhausted;
        }

        await alerts.DeleteAsync(alert.KeyId, alert.Id, http.RequestAborted);
        await registry.ReloadAsync(http.RequestAborted);
        return DashboardPage.SeeOther(http, "/dashboard/alerts");
    }

    /// <summary>
    /// Alert changes are metered per account and UTC day (<see cref="DashboardOptions.AlertChangesPerDay"/>): a create and
    /// delete loop would otherwise rewrite the table and reload the matcher without end. Counted on the quota counters
    /// (every node) under the account's negated id, in the report family (the address pages use the check family).
    /// </summary>
    private static async ValueTask<IResult?> ChargeChangeAsync(HttpContext http, DashboardUser user, IQuotaCounter quotas, DashboardOptions options,
        IClock clock)
    {
        var change = await quotas.TryConsumeAsync(-user.Id, QuotaFamily.Report, 1, options.AlertChangesPerDay, clock.UtcNow);
        if (change.Allowed)
        {
            return null;
        }

        DashboardPage.RetryAfter(http, change.ResetsAt - clock.UtcNow);
        return Refused(http, user, StatusCodes.Status429TooManyRequests,
            $"An account may make {options.AlertChangesPerDay} alert changes a day; the count starts again at midnight UTC.");
    }

    private static IResult Refused(HttpContext http, DashboardUser user, int status, string message)
        => DashboardPage.Render(http, "Alert not saved", user, html => html.Element("p", message, ("class", "error"), ("id", "message"))
            .Open("p").Element("a", "Back to alerts", ("href", "/dashboard/alerts")).Close("p"), status);
}
