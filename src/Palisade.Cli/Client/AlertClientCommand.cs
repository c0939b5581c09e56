using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Core.Alerts;

namespace Palisade.Cli.Client;

/// <summary>
/// <c>palisade ip-alert | cidr-alert | username-alert | email-alert</c> with <c>list</c> (also the bare command),
/// <c>add &lt;target&gt; [--label]</c> and <c>delete &lt;id&gt;</c>, on SikkerAPI's per-kind paths
/// (<c>/v1/key/ip-alerts</c>, <c>range-alerts</c>, <c>username-alerts</c>, <c>email-alerts</c>) as its <c>sikker</c> CLI uses them.
/// </summary>
internal static class AlertClientCommand
{
    /// <summary>As the server's own label limit; longer labels are refused locally.</summary>
    private const int MaxLabelLength = 100;

    public static Command Create(AlertTargetKind kind)
    {
        var text = kind switch
        {
            AlertTargetKind.Ip => new AlertKindText(kind, "ip-alert", "/v1/key/ip-alerts", "ip", "IP", "a public IP address"),
            AlertTargetKind.Range => new AlertKindText(kind, "cidr-alert", "/v1/key/range-alerts", "cidr", "CIDR", "a network such as 198.51.100.0/28"),
            AlertTargetKind.Username => new AlertKindText(kind, "username-alert", "/v1/key/username-alerts", "username", "USERNAME", "a username seen in reports"),
            _ => new AlertKindText(kind, "email-alert", "/v1/key/email-alerts", "email", "EMAIL", "an e-mail address in report comments"),
        };

        var command = ClientConnectionOptions.CreateCommand(text.Command,
            $"Watch {text.What}: list (default), add or delete this key's {text.Field} alerts ({text.Path}).",
            (connection, _) => (parse, client, cancellationToken) => ListAsync(text, parse, client, parse.GetValue(connection.Json), cancellationToken));
        command.Subcommands.Add(ClientConnectionOptions.CreateCommand("list", $"List this key's {text.Field} alerts (GET {text.Path}).",
            (connection, _) => (parse, client, cancellationToken) => ListAsync(text, parse, client, parse.GetValue(connection.Json), cancellationToken)));
        command.Subcommands.Add(Add(text));
        command.Subcommands.Add(Delete(text));
        return command;
    }

    private static async Task<int> ListAsync(AlertKindText text, ParseResult parse, PalisadeApiClient client, bool json, CancellationToken cancellationToken)
    {
        // The bare command lists; a word that is no subcommand is a typo, not a reason to list.
        if (parse.UnmatchedTokens.Count > 0)
        {
            throw ClientFailureException.Usage($"Unexpected '{parse.UnmatchedTokens[0]}'. Use: palisade {text.Command} list | add <{text.Field}> | delete <id>");
        }

        var answer = await client.GetAsync(text.Path, cancellationToken);
        if (json)
        {
            await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
            return ClientExitCodes.Success;
        }

        using var document = answer.Json();
        var alerts = document.RootElement.Items("alerts").ToList();
        if (alerts.Count == 0)
        {
            Console.WriteLine($"No {text.Field} alerts. Add one: palisade {text.Command} add <{text.Field}> [--label TEXT]");
            return ClientExitCodes.Success;
        }

        var width = Math.Max(text.Column.Length, alerts.Max(a => a.Text(text.Field)?.Length ?? 0));
        Console.WriteLine($"{"ID",-8} {text.Column.PadRight(width)} {"ENABLED",-7} {"MATCHES",7} {"ALERTS",6}  {"LAST ALERTED",-34} LABEL");
        foreach (var alert in alerts)
        {
            Console.WriteLine($"{alert.Identifier("id"),-8} {(alert.Text(text.Field) ?? "").PadRight(width)} {(alert.Flag("enabled") ? "yes" : "no"),-7} " +
                              $"{Matches(text, alert),7} {alert.Number("totalAlerts") ?? 0,6}  {JsonFields.When(alert.Text("lastAlertedAt")),-34} {alert.Text("label")}");
        }

        Console.WriteLine($"{alerts.Count} {text.Field} alert(s).");
        return ClientExitCodes.Success;
    }

    private static Command Add(AlertKindText text) => ClientConnectionOptions.CreateCommand("add", $"Create a {text.Field} alert (POST {text.Path}).", (connection, command) =>
    {
        var target = new Argument<string>(text.Field) { Description = $"What to watch: {text.What}." };
        var label = new Option<string?>("--label", "-l") { Description = $"A name for the alert (at most {MaxLabelLength} characters)." };
        command.Arguments.Add(target);
        command.Options.Add(label);
        return async (parse, client, cancellationToken) =>
        {
            // Refused locally when no tier could accept it; how wide a range may be depends on the key's tier, so the server decides that.
            if (!AlertTargets.TryNormalize(text.Kind, parse.GetValue(target)!.Trim(), AlertLimits.For("enterprise"), out var normalized, out var error))
            {
                throw ClientFailureException.Usage(error);
            }

            var body = new JsonObject { [text.Field] = normalized };
            if (parse.GetValue(label) is { } name)
            {
                if (name.Length > MaxLabelLength || name.Any(char.IsControl))
                {
                    throw ClientFailureException.Usage($"--label is at most {MaxLabelLength} characters, without control characters.");
                }

                body["label"] = name;
            }

            var request = client.Request(HttpMethod.Post, text.Path);
            request.Content = JsonContent.Create(body);
            var answer = await client.SendAsync(request, cancellationToken);
            if (parse.GetValue(connection.Json))
            {
                await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                return ClientExitCodes.Success;
            }

            using var document = answer.Json();
            var alert = document.RootElement;
            var named = alert.Text("label") is { } l ? $" \"{l}\"" : string.Empty;
            Console.WriteLine($"Alert #{alert.Identifier("id")}{named} created: watching {text.Field} {alert.Text(text.Field)}.");
            return ClientExitCodes.Success;
        };
    });

    private static Command Delete(AlertKindText text) => ClientConnectionOptions.CreateCommand("delete", $"Delete a {text.Field} alert (DELETE {text.Path}/{{id}}).", (connection, command) =>
    {
        var id = new Argument<string>("id") { Description = $"The alert's id (see: palisade {text.Command} list)." };
        command.Arguments.Add(id);
        return async (parse, client, cancellationToken) =>
        {
            var value = parse.GetValue(id)!;
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                throw ClientFailureException.Usage($"'{value}' is not an alert id (a positive whole number; see: palisade {text.Command} list).");
            }

            var path = text.Path + "/" + number.ToString(CultureInfo.InvariantCulture);
            var answer = await client.SendAsync(client.Request(HttpMethod.Delete, path), cancellationToken);
            if (parse.GetValue(connection.Json))
            {
                await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                return ClientExitCodes.Success;
            }

            Console.WriteLine($"Alert #{number} deleted.");
            return ClientExitCodes.Success;
        };
    });

    /// <summary>Range alerts count distinct addresses (SikkerAPI's uniqueMatches); the others count matches.</summary>
    private static long Matches(AlertKindText text, JsonElement alert)
        => (text.Kind == AlertTargetKind.Range ? alert.Number("uniqueMatches") : null) ?? alert.Number("matchCount") ?? 0;
}
