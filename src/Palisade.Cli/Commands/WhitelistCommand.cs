using System.CommandLine;
using System.Globalization;
using System.Net;
using Palisade.Core.Addresses;
using Palisade.Core.Whitelisting;

namespace Palisade.Cli.Commands;

/// <summary><c>palisade whitelist add|remove|list</c>: the operator's own known-good networks.</summary>
internal static class WhitelistCommand
{
    public static Command Create()
    {
        var command = new Command("whitelist", "Manage the operator's whitelist (known-good networks get a score discount).");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command Add()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var network = new Argument<string>("network") { Description = "An address or CIDR, e.g. 203.0.113.0/24." };
        var name = new Option<string>("--name") { Description = "What this network is.", Required = true };
        var multiplier = new Option<double>("--multiplier") { Description = "Score multiplier 0–1 (0 = never listed).", DefaultValueFactory = _ => 0.0 };
        var expires = new Option<string?>("--expires") { Description = "When the entry stops applying (RFC 3339 or yyyy-MM-dd)." };
        var command = new Command("add", "Add or replace a whitelist entry.") { data, postgres, network, name, multiplier, expires };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryNetwork(parse.GetValue(network)!, out var parsed, out var error))
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }

            var factor = parse.GetValue(multiplier);
            if (factor is < 0 or > 1)
            {
                await Console.Error.WriteLineAsync("--multiplier must be between 0 and 1.");
                return 2;
            }

            DateTimeOffset? expiresAt = null;
            if (parse.GetValue(expires) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    await Console.Error.WriteLineAsync("--expires must be a date such as 2027-01-31 or 2027-01-31T12:00:00Z.");
                    return 2;
                }

                expiresAt = at;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            await installation.Whitelist.AddAsync(new WhitelistEntry(parsed, parse.GetValue(name)!, factor, "operator", expiresAt), cancellationToken);
            await installation.Changes.BumpAsync(cancellationToken);
            Console.WriteLine($"Whitelisted {parsed} ({parse.GetValue(name)}), multiplier {factor.ToString(CultureInfo.InvariantCulture)}.");
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var network = new Argument<string>("network") { Description = "The address or CIDR of the entry." };
        var command = new Command("remove", "Remove one of the operator's whitelist entries.") { data, postgres, network };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryNetwork(parse.GetValue(network)!, out var parsed, out var error))
            {
                await Console.Error.WriteLineAsync(error);
                return 2;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            if (!await installation.Whitelist.RemoveAsync(parsed, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"{parsed} is not in the operator whitelist.");
                return 1;
            }

            await installation.Changes.BumpAsync(cancellationToken);
            Console.WriteLine($"Removed {parsed}.");
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var builtIn = new Option<bool>("--builtin") { Description = "Also list the built-in entries." };
        var command = new Command("list", "List whitelist entries.") { data, postgres, builtIn };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: servers pick key and whitelist changes up from the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var entries = (await installation.Whitelist.ListAsync(cancellationToken)).ToList();
            if (parse.GetValue(builtIn))
            {
                entries.AddRange(BuiltInWhitelist.Load());
            }

            foreach (var e in entries)
            {
                Console.WriteLine($"{e.Network,-24} {e.Multiplier.ToString("0.##", CultureInfo.InvariantCulture),-5} {e.Source,-28} {e.Name}{(e.ExpiresAt is { } x ? $" (expires {x:yyyy-MM-dd})" : "")}");
            }

            return 0;
        });
        return command;
    }

    private static bool TryNetwork(string text, out IPNetwork network, out string? error)
    {
        if (!text.Contains('/') && IpAddressParser.TryParse(text, out var address, out error))
        {
            network = new IPNetwork(address.Address, address.IsIPv6 ? 128 : 32);
            return true;
        }

        return IpAddressParser.TryParseNetwork(text, out network, out error);
    }
}
