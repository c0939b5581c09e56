using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Storage;
using Palisade.Server.Access;
using Palisade.Server.Sensors;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>The user's sensors (from their keys' heartbeats): last heartbeat, events per protocol today, top usernames.</summary>
public static class DashboardSensorsPage
{
    public static async Task<IResult> Show(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, SensorRegistry registry)
    {
        var user = await DashboardSession.CurrentUserAsync(http, users);
        if (user is null)
        {
            return DashboardPage.SeeOther(http, "/dashboard/signin");
        }

        var keys = await DashboardKeyPages.OwnedKeysAsync(user, users, keyStore, http.RequestAborted);
        var rows = keys.SelectMany(k => registry.For(k.Id).Select(s => (Key: k.Name, Sensor: s))).OrderByDescending(r => r.Sensor.LastHeartbeat).ToList();
        return DashboardPage.Render(http, "Sensors", user, html =>
        {
            if (rows.Count == 0)
            {
                html.Element("p", "No sensor has sent a heartbeat yet. Run `palisade sensor --server URL --key KEY --listen ssh=:2222` with a honeypot-tier key (docs/sensor.md).",
                    ("class", "muted"), ("id", "no-sensors"));
                return;
            }

            html.Open("table", ("id", "sensors")).Open("thead").Open("tr");
            foreach (var heading in (string[])["Sensor", "Key", "Last heartbeat (UTC)", "Events today", "Top usernames today", "Queued"])
            {
                html.Element("th", heading);
            }

            html.Close("tr").Close("thead").Open("tbody");
            foreach (var (key, sensor) in rows)
            {
                html.Open("tr", ("data-sensor", sensor.Sensor))
                    .Element("td", sensor.Sensor + (sensor.Kind == "palisade" ? "" : $" ({sensor.Kind})"))
                    .Element("td", key)
                    .Element("td", WireTime.Rfc3339(sensor.LastHeartbeat))
                    .Element("td", string.Join(", ", sensor.EventsToday.OrderBy(p => p.Key, StringComparer.Ordinal)
                        .Select(p => $"{p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)}")), ("class", "events"))
                    .Element("td", string.Join(", ", sensor.TopUsernames.Select(u => $"{u.Username} ({u.Count.ToString(CultureInfo.InvariantCulture)})")), ("class", "usernames"))
                    .Element("td", sensor.Queued.ToString(CultureInfo.InvariantCulture))
                    .Close("tr");
            }

            html.Close("tbody").Close("table");
        });
    }
}
