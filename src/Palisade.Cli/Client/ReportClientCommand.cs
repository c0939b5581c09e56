using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;

namespace Palisade.Cli.Client;

/// <summary><c>palisade report &lt;ip&gt; --category C</c>: one report, checked locally before it is sent.</summary>
internal static class ReportClientCommand
{
    public static Command Create() => ClientConnectionOptions.CreateCommand("report", "Report an address to a Palisade server (POST /v1/key/report).", (connection, command) =>
    {
        var address = new Argument<string>("ip") { Description = "The public IPv4 or IPv6 address that misbehaved." };
        var categories = new Option<string[]>("--category", "-c")
        {
            Description = "A category name (brute_force) or id 1–16; repeat for several.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var protocol = new Option<string?>("--protocol") { Description = "The protocol it was seen on (ssh, http, …)." };
        var port = new Option<int?>("--port") { Description = "The port it was seen on (1–65535)." };
        var username = new Option<string?>("--username") { Description = "The username it tried." };
        var comment = new Option<string?>("--comment") { Description = $"What happened (at most {ReportLimits.MaxCommentLength} characters)." };
        command.Arguments.Add(address);
        command.Options.Add(categories);
        command.Options.Add(protocol);
        command.Options.Add(port);
        command.Options.Add(username);
        command.Options.Add(comment);
        return async (parse, client, cancellationToken) =>
        {
            if (!IpAddressParser.TryParse(parse.GetValue(address), out var ip, out var error))
            {
                throw ClientFailureException.Usage(error!);
            }

            if (!ip.IsPublic)
            {
                throw ClientFailureException.Usage($"{ip.Text} is not a public address ({ip.Kind}); only public addresses can be reported.");
            }

            var names = new JsonArray();
            foreach (var text in parse.GetValue(categories) ?? [])
            {
                foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!CategoryCatalog.TryResolve(part, out var category))
                    {
                        throw ClientFailureException.Usage(
                            $"Unknown category '{part}'. Categories: {string.Join(", ", CategoryCatalog.Native.Select(c => $"{c.Id} {c.Name}"))}.");
                    }

                    names.Add(category.Name);
                }
            }

            var body = new JsonObject { ["ip"] = ip.Text, ["categories"] = names };
            if (parse.GetValue(protocol) is { } p)
            {
                if (p.Length is 0 or > ReportLimits.MaxProtocolLength || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
                {
                    throw ClientFailureException.Usage($"--protocol is 1–{ReportLimits.MaxProtocolLength} letters, digits or -_./ (ssh, http, smtp).");
                }

                body["protocol"] = p;
            }

            if (parse.GetValue(port) is { } number)
            {
                if (number is < 1 or > 65_535)
                {
                    throw ClientFailureException.Usage("--port must be between 1 and 65535.");
                }

                body["port"] = number;
            }

            if (parse.GetValue(username) is { } user)
            {
                if (user.Length is 0 or > ReportLimits.MaxUsernameLength)
                {
                    throw ClientFailureException.Usage($"--username is 1 to {ReportLimits.MaxUsernameLength} characters.");
                }

                body["username"] = user;
            }

            if (parse.GetValue(comment) is { } note)
            {
                if (note.Length > ReportLimits.MaxCommentLength)
                {
                    throw ClientFailureException.Usage($"--comment is {note.Length} characters; at most {ReportLimits.MaxCommentLength}.");
                }

                body["comment"] = note;
            }

            var request = client.Request(HttpMethod.Post, "/v1/key/report");
            request.Content = JsonContent.Create(body);
            var answer = await client.SendAsync(request, cancellationToken);
            if (parse.GetValue(connection.Json))
            {
                await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                return ClientExitCodes.Success;
            }

            using var document = answer.Json();
            var result = document.RootElement;
            var score = (int)(result.Number("confidenceLevel") ?? 0);
            var what = string.Join(", ", names.Select(n => n!.GetValue<string>()));
            Console.WriteLine(result.Text("status") == "duplicate"
                ? $"Duplicate: {ip.Text} ({what}) was already reported by this key at {result.Text("countedAt")} (report #{result.Number("id")}); " +
                  $"counted once within {result.Number("duplicateWindowSeconds")} s, no quota used. Score {score}/100 ({ScoreBand.Of(score)})."
                : $"Report #{result.Number("id")} accepted for {ip.Text} ({what}). Score now {score}/100 ({ScoreBand.Of(score)}).");
            ClientOutput.WriteQuota(answer);
            return ClientExitCodes.Success;
        };
    });
}
