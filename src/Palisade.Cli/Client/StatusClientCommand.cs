using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Palisade.Cli.Client;

/// <summary><c>palisade status</c>: the key's tier and what is used and left of each daily quota.</summary>
internal static class StatusClientCommand
{
    public static Command Create() => ClientConnectionOptions.CreateCommand("status", "Show the key's tier and daily quotas (GET /v1/key/status).", (connection, _) =>
        async (parse, client, cancellationToken) =>
        {
            var answer = await client.GetAsync("/v1/key/status", cancellationToken);
            if (parse.GetValue(connection.Json))
            {
                await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                return ClientExitCodes.Success;
            }

            using var document = answer.Json();
            var status = document.RootElement;
            var tier = status.Child("tier");
            Console.WriteLine($"Key:   {status.Text("keyName") ?? "(unnamed)"}");
            Console.WriteLine($"Tier:  {tier.Text("name") ?? tier.Text("id")} ({tier.Text("id")})");
            Console.WriteLine();
            Console.WriteLine($"{"FAMILY",-11} {"USED",12} {"LIMIT",12} {"REMAINING",12}");
            if (status.Child("quotas") is { ValueKind: JsonValueKind.Object } quotas)
            {
                foreach (var family in quotas.EnumerateObject())
                {
                    var used = family.Value.Number("used") ?? 0;
                    var limit = family.Value.Number("limit");
                    var remaining = family.Value.Number("remaining");
                    Console.WriteLine($"{family.Name,-11} {used,12:N0} {(limit is { } l ? l.ToString("N0", CultureInfo.InvariantCulture) : "unlimited"),12} " +
                                      $"{(remaining is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "unlimited"),12}");
                }
            }

            if (status.Text("resetsAt") is { } resetsAt &&
                DateTimeOffset.TryParse(resetsAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                var left = at - DateTimeOffset.UtcNow;
                Console.WriteLine();
                Console.WriteLine($"Quotas reset at {at:yyyy-MM-dd HH:mm} UTC (in {QuotaLine.Duration(left < TimeSpan.Zero ? TimeSpan.Zero : left)}).");
            }

            return ClientExitCodes.Success;
        });
}
