using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Palisade.Core.Addresses;

namespace Palisade.Cli.Client;

/// <summary><c>palisade check &lt;ip&gt;</c>: an address's score, band, categories, geolocation and last activity.</summary>
internal static class CheckClientCommand
{
    public static Command Create() => ClientConnectionOptions.CreateCommand("check", "Look an address up on a Palisade server (GET /v1/key/check).", (connection, command) =>
    {
        var address = new Argument<string>("ip") { Description = "An IPv4 or IPv6 address." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also show how the score was computed and the latest reports." };
        var maxAge = new Option<int?>("--max-age") { Description = "Only evidence younger than this many seconds." };
        var protocols = new Option<string?>("--protocols") { Description = "Only evidence on these protocols (ssh,http)." };
        var ignoreWhitelist = new Option<bool>("--ignore-whitelist") { Description = "The score without the whitelist discount." };
        command.Arguments.Add(address);
        command.Options.Add(verbose);
        command.Options.Add(maxAge);
        command.Options.Add(protocols);
        command.Options.Add(ignoreWhitelist);
        return async (parse, client, cancellationToken) =>
        {
            if (!IpAddressParser.TryParse(parse.GetValue(address), out var ip, out var error))
            {
                throw ClientFailureException.Usage(error!);
            }

            var query = new QueryBuilder();
            if (parse.GetValue(maxAge) is { } seconds)
            {
                if (seconds <= 0)
                {
                    throw ClientFailureException.Usage("--max-age must be a positive number of seconds.");
                }

                query.Add("maxAge", seconds.ToString(CultureInfo.InvariantCulture));
            }

            query.Add("protocols", parse.GetValue(protocols));
            if (parse.GetValue(ignoreWhitelist))
            {
                query.Add("ignoreWhitelist", "true");
            }

            var answer = await client.GetAsync($"/v1/key/check/{Uri.EscapeDataString(ip.Text)}{query}", cancellationToken);
            if (parse.GetValue(connection.Json))
            {
                await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                return ClientExitCodes.Success;
            }

            using var document = answer.Json();
            Console.Write(Describe(document.RootElement, parse.GetValue(verbose)));
            ClientOutput.WriteQuota(answer);
            return ClientExitCodes.Success;
        };
    });

    private static string Describe(JsonElement check, bool verbose)
    {
        var text = new StringBuilder();
        var ip = check.Text("ip");
        if (check.Child("isPublic").ValueKind == JsonValueKind.False)
        {
            text.AppendLine($"{ip}: not a public address (private, loopback, reserved or documentation range); no score.");
            return text.ToString();
        }

        var score = (int)(check.Number("confidenceLevel") ?? 0);
        if (!check.Flag("found"))
        {
            text.AppendLine($"{ip}: not reported. Score {score}/100 ({ScoreBand.Of(score)}).");
        }
        else
        {
            text.AppendLine($"{ip}: score {score}/100 ({ScoreBand.Of(score)})");
            var categories = check.Items("categories").Select(c => $"{c.Text("name")} ×{c.Number("count")}").ToList();
            if (categories.Count > 0)
            {
                text.AppendLine($"  Categories:  {string.Join(", ", categories)}");
            }

            var behaviours = check.Items("behaviors").Select(b => $"{b.Text("name")} ({b.Text("severity")}) ×{b.Number("count")}").ToList();
            if (behaviours.Count > 0)
            {
                text.AppendLine($"  Behaviours:  {string.Join(", ", behaviours)}");
            }

            text.AppendLine($"  Reports:     {check.Number("totalEvents") ?? 0} ({check.Number("totalSessions") ?? 0} sessions)");
            text.AppendLine($"  First seen:  {JsonFields.When(check.Text("firstSeen"))}");
            text.AppendLine($"  Last seen:   {JsonFields.When(check.Text("lastSeen"))}");
        }

        text.AppendLine($"  Geo:         {Geo(check.Child("geolocation"))}");
        if (check.Child("whitelisted") is { ValueKind: JsonValueKind.Object } whitelisted)
        {
            text.AppendLine($"  Whitelisted: {whitelisted.Text("name")} ({whitelisted.Text("source")}, score × {JsonFields.Format(whitelisted.Real("multiplier") ?? 0)})");
        }

        if (verbose && check.Child("scoreBreakdown") is { ValueKind: JsonValueKind.Object } breakdown)
        {
            text.AppendLine("  Score breakdown:");
            text.AppendLine($"    score {breakdown.Number("score")}, raw score {breakdown.Number("rawScore")}, raw evidence {JsonFields.Format(breakdown.Real("rawEvidence") ?? 0)}");
            text.AppendLine($"    sensor evidence {JsonFields.Format(breakdown.Real("sensorEvidence") ?? 0)}, community evidence {JsonFields.Format(breakdown.Real("communityEvidence") ?? 0)}, " +
                            $"cross-source × {JsonFields.Format(breakdown.Real("crossSourceMultiplier") ?? 1)}, critical floor {breakdown.Number("criticalFloor") ?? 0}, " +
                            $"whitelist × {JsonFields.Format(breakdown.Real("whitelistMultiplier") ?? 1)}");
            foreach (var component in breakdown.Items("components"))
            {
                text.AppendLine($"    {component.Text("name"),-28} {JsonFields.Format(component.Real("value") ?? 0),8}  {component.Text("detail")}");
            }
        }

        if (verbose)
        {
            var reports = check.Items("reports").ToList();
            if (reports.Count > 0)
            {
                text.AppendLine("  Latest reports:");
                foreach (var report in reports.Take(10))
                {
                    var categories = string.Join(",", report.Items("categories").Select(c => c.Safe()));
                    var protocol = report.Text("protocol") is { } p ? $" {p}" + (report.Number("port") is { } port ? $"/{port}" : "") : "";
                    var comment = report.Text("comment") is { } c ? $" — {c}" : "";
                    text.AppendLine($"    {report.Text("reportedAt")} {categories}{protocol} ({report.Text("source")}){comment}");
                }
            }
        }

        return text.ToString();
    }

    private static string Geo(JsonElement geo)
    {
        if (geo.ValueKind != JsonValueKind.Object)
        {
            return "unknown (no geo data installed on the server)";
        }

        var parts = new List<string>();
        if (geo.Text("countryCode") is { } code)
        {
            parts.Add(geo.Text("countryName") is { } name ? $"{code} {name}" : code);
        }

        if (geo.Text("city") is { } city)
        {
            parts.Add(city);
        }

        if (geo.Text("asn") is { } asn)
        {
            parts.Add(geo.Text("asnOrg") is { } org ? $"AS{asn} {org}" : $"AS{asn}");
        }

        if (geo.Flag("isTor"))
        {
            parts.Add("Tor exit");
        }

        if (geo.Flag("isProxy"))
        {
            parts.Add("proxy");
        }

        return parts.Count == 0 ? "unknown" : string.Join(", ", parts);
    }
}
