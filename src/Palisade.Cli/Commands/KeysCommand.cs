using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Palisade.Core.Keys;
using Palisade.Core.Text;

namespace Palisade.Cli.Commands;

/// <summary><c>palisade keys create|list|revoke|set-reporter</c>: API keys, stored only as hashes, and the reporters they
/// report as (docs/scoring.md "Reporters").</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke API keys.");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(ListKeys());
        command.Subcommands.Add(RevokeKey());
        command.Subcommands.Add(SetReporter());
        return command;
    }

    private static Command CreateKey()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var tier = new Option<string>("--tier") { Description = "Tier: free, contributor, professional, business, enterprise, honeypot.", DefaultValueFactory = _ => "free" };
        var name = new Option<string>("--name") { Description = "A name to recognise the key by (unique).", Required = true };
        var limits = new Option<string[]>("--limit") { Description = "Override one family's daily quota: check=N, report=N, blacklist=N, taxii=N (repeatable).", AllowMultipleArgumentsPerToken = false };
        var reporter = new Option<string?>("--reporter")
        {
            Description = "The reporter the key reports as: keys with one reporter name count as one reporter (e.g. all keys of one organisation). Default: the key is its own reporter.",
        };
        var command = new Command("create", "Create a key and print it (it is shown only this once).") { data, postgres, tier, name, limits, reporter };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tierId = parse.GetValue(tier)!.ToLowerInvariant();
            if (!TierCatalog.Default.TryGet(tierId, out _))
            {
                await Console.Error.WriteLineAsync($"Unknown tier '{tierId}'. Tiers: {string.Join(", ", TierCatalog.Default.All.Select(t => t.Id))}.");
                return 2;
            }

            var overrides = new Dictionary<QuotaFamily, long>();
            foreach (var limit in parse.GetValue(limits) ?? [])
            {
                var parts = limit.Split('=', 2);
                if (parts.Length != 2 || !QuotaFamilies.TryParse(parts[0], out var family) ||
                    !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    await Console.Error.WriteLineAsync($"--limit '{limit}' must look like check=1000 (families: check, report, blacklist, taxii).");
                    return 2;
                }

                overrides[family.Value] = value;
            }

            var reporterName = parse.GetValue(reporter);
            if (reporterName is not null && ReporterNameError(reporterName) is { } reporterError)
            {
                await Console.Error.WriteLineAsync(reporterError);
                return 2;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var keyName = parse.GetValue(name)!;
            if ((await installation.Keys.ListAsync(cancellationToken)).Any(k => k.Name == keyName))
            {
                await Console.Error.WriteLineAsync($"A key named '{keyName}' already exists.");
                return 2;
            }

            var secret = ApiKeySecrets.Generate(tierId);
            await installation.Keys.CreateAsync(new ApiKey(0, keyName, tierId, ApiKeySecrets.Hash(secret), ApiKeySecrets.PrefixOf(secret),
                DateTimeOffset.UtcNow, null, overrides) { Reporter = reporterName }, cancellationToken);
            await installation.Changes.BumpAsync(cancellationToken);
            Console.WriteLine(secret);
            return 0;
        });
        return command;
    }

    private static Command ListKeys()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var json = CommonOptions.Json();
        var command = new Command("list", "List keys (names, tiers, prefixes; never the secrets).") { data, postgres, json };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var keys = await installation.Keys.ListAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(keys.Select(k => new
                {
                    id = k.Id,
                    name = k.Name,
                    tier = k.TierId,
                    prefix = k.Prefix,
                    createdAt = k.CreatedAt,
                    revokedAt = k.RevokedAt,
                    reporter = k.Reporter,
                    reporterId = k.ReporterId,
                    selfService = k.SelfService,
                    limits = k.LimitOverrides.ToDictionary(p => QuotaFamilies.Name(p.Key), p => p.Value),
                })));
                return 0;
            }

            Console.WriteLine($"{"ID",-5} {"NAME",-24} {"TIER",-13} {"PREFIX",-20} {"REPORTER",-20} {"CREATED",-20} STATE");
            foreach (var k in keys)
            {
                // Alignment before format ({x,-20:fmt}): the other order put ",-20" into the date. Names can come from
                // the dashboard: control characters are stripped before they reach a terminal.
                Console.WriteLine($"{k.Id,-5} {ControlCharacters.Strip(k.Name),-24} {k.TierId,-13} {k.Prefix + "…",-20} {ControlCharacters.Strip(k.Reporter ?? ""),-20} {k.CreatedAt.UtcDateTime,-20:yyyy-MM-dd HH:mm} {(k.IsRevoked ? "revoked" : "active")}");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeKey()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var target = new Argument<string>("key-or-name") { Description = "The key itself or its name." };
        var command = new Command("revoke", "Revoke a key; requests with it get 403 from then on.") { data, postgres, target };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            if (await FindKeyAsync(installation, parse.GetValue(target)!, cancellationToken) is not { } key)
            {
                await Console.Error.WriteLineAsync("No key with that value or name.");
                return 1;
            }

            if (!await installation.Keys.RevokeAsync(key.Id, DateTimeOffset.UtcNow, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"Key '{key.Name}' was already revoked.");
                return 1;
            }

            await installation.Changes.BumpAsync(cancellationToken);
            Console.WriteLine($"Revoked key '{key.Name}' ({key.Prefix}…).");
            return 0;
        });
        return command;
    }

    /// <summary>The key given by its secret (compared as a hash) or by its name.</summary>
    private static async Task<ApiKey?> FindKeyAsync(LocalInstallation installation, string given, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecrets.Hash(given);
        var keys = await installation.Keys.ListAsync(cancellationToken);
        return keys.FirstOrDefault(k => ApiKeySecrets.HashesEqual(k.Hash, hash)) ?? keys.FirstOrDefault(k => k.Name == given);
    }

    private static Command SetReporter()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var target = new Argument<string>("key-or-name") { Description = "The key itself or its name." };
        var reporter = new Argument<string>("reporter") { Description = "The reporter name to move the key to (created when new)." };
        var command = new Command("set-reporter",
            "Regroup a key: its reports, past and future, count as the named reporter's (one reporter = one vote in the score).") { data, postgres, target, reporter };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reporterName = parse.GetValue(reporter)!;
            if (ReporterNameError(reporterName) is { } reporterError)
            {
                await Console.Error.WriteLineAsync(reporterError);
                return 2;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            if (await FindKeyAsync(installation, parse.GetValue(target)!, cancellationToken) is not { } key)
            {
                await Console.Error.WriteLineAsync("No key with that value or name.");
                return 1;
            }

            if (key.SelfService)
            {
                await Console.Error.WriteLineAsync($"Key '{key.Name}' belongs to a dashboard account; its keys are one reporter already.");
                return 1;
            }

            await installation.Keys.SetReporterAsync(key.Id, reporterName, cancellationToken);
            await installation.Changes.BumpAsync(cancellationToken);
            Console.WriteLine($"Key '{key.Name}' now reports as '{reporterName}'.");
            return 0;
        });
        return command;
    }

    /// <summary>Reporter names are short and printable; "account-…" is reserved for dashboard accounts.</summary>
    private static string? ReporterNameError(string name)
    {
        if (name.Length is 0 or > 64 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "A reporter name is 1 to 64 characters without spaces or control characters.";
        }

        return name.StartsWith("account-", StringComparison.OrdinalIgnoreCase)
            ? "Reporter names starting with 'account-' are reserved for dashboard accounts."
            : null;
    }
}
