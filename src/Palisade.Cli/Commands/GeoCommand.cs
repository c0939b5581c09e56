using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Palisade.Core.Geo;

namespace Palisade.Cli.Commands;

/// <summary><c>palisade geo install|import|status|lookup</c>: the country and network data behind every check and blocklist.</summary>
internal static class GeoCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create()
    {
        var command = new Command("geo", "Install, import and inspect the geolocation (country, ASN) data.");
        command.Subcommands.Add(Install());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(Lookup());
        return command;
    }

    private static Option<string?> Folder() => new("--geo-dir")
    {
        Description = "Geo data folder (default: <data>/geo; the server reads Palisade:GeoDirectory).",
    };

    private static string FolderOf(ParseResult parse, Option<string> data, Option<string?> folder)
        => parse.GetValue(folder) ?? GeoDataFiles.FolderOf(parse.GetValue(data)!);

    private static Command Install()
    {
        var data = CommonOptions.Data();
        var folder = Folder();
        var force = new Option<bool>("--force") { Description = "Fetch again even when this version is installed." };
        var command = new Command("install",
            $"Fetch the permissively licensed ip-location-db data ({GeoDataInstaller.CountryPackage}, {GeoDataInstaller.AsnPackage} @ {GeoDataInstaller.PackageVersion}) with npm pack.")
        {
            data, folder, force,
        };
        CommonOptions.AcceptClusterOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = FolderOf(parse, data, folder);
            var installed = GeoDataFiles.ReadManifest(target);
            if (!parse.GetValue(force) && installed.Count(e => e.Origin.EndsWith("@" + GeoDataInstaller.PackageVersion, StringComparison.Ordinal) &&
                    e.Files.All(f => File.Exists(Path.Combine(target, f)))) == 2)
            {
                Console.WriteLine($"Geo data {GeoDataInstaller.PackageVersion} is already installed in {target} (--force fetches it again).");
                return 0;
            }

            try
            {
                await GeoPackageFetcher.InstallAsync(target, Console.WriteLine, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException)
            {
                await Console.Error.WriteLineAsync("geo install failed: " + ex.Message);
                return 1;
            }

            Console.WriteLine("Data: NRO (CC BY 4.0), RouteViews (CC BY 4.0), IP to ASN by DB-IP https://db-ip.com (CC BY 4.0). Restart the server to load it.");
            return 0;
        });
        return command;
    }

    private static Command Import()
    {
        var data = CommonOptions.Data();
        var folder = Folder();
        var files = new Argument<string[]>("files") { Description = ".mmdb (GeoLite2, DB-IP, IPinfo; country, city or ASN) or start,end,value .csv files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("import", "Import MaxMind-format or CSV geo data an operator brings (replaces the data of the same kind).") { data, folder, files };
        CommonOptions.AcceptClusterOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = FolderOf(parse, data, folder);
            try
            {
                foreach (var entry in GeoDataInstaller.Import(target, parse.GetValue(files)!))
                {
                    Console.WriteLine($"Imported {entry.Kind} data ({entry.Format}, built {Date(entry.BuildDate)}) from {entry.Origin}.");
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync("geo import failed: " + ex.Message);
                return 1;
            }

            Console.WriteLine("Restart the server to load it.");
            return 0;
        });
        return command;
    }

    private static Command Status()
    {
        var data = CommonOptions.Data();
        var folder = Folder();
        var json = CommonOptions.Json();
        var command = new Command("status", "Show which geo data is installed and when it was built.") { data, folder, json };
        CommonOptions.AcceptClusterOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = FolderOf(parse, data, folder);
            IGeoLookup lookup;
            try
            {
                lookup = GeoDatabase.Open(target);
            }
            catch (InvalidDataException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }

            using var _ = lookup as IDisposable;
            var manifest = GeoDataFiles.ReadManifest(target);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    folder = target,
                    installed = lookup.IsAvailable,
                    buildDate = lookup.Data.BuildDate,
                    sources = lookup.Data.Sources,
                    manifest,
                }, Json));
                return lookup.IsAvailable ? 0 : 3;
            }

            if (!lookup.IsAvailable)
            {
                Console.WriteLine($"No geo data in {target}. Run: palisade geo install");
                return 3;
            }

            Console.WriteLine($"Geo data in {target}, built {Date(lookup.Data.BuildDate)}:");
            foreach (var source in lookup.Data.Sources)
            {
                var origin = manifest.FirstOrDefault(m => m.Kind == source.Kind);
                Console.WriteLine($"  {source.Kind,-8} {source.File} ({source.Format}, built {Date(source.BuildDate)}){(origin is null ? "" : $" from {origin.Origin}; {origin.License}")}");
            }

            return 0;
        });
        return command;
    }

    private static Command Lookup()
    {
        var data = CommonOptions.Data();
        var folder = Folder();
        var json = CommonOptions.Json();
        var address = new Argument<string>("ip") { Description = "An IPv4 or IPv6 address." };
        var command = new Command("lookup", "Show what the installed geo data says about an address.") { data, folder, json, address };
        CommonOptions.AcceptClusterOptions(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                await Console.Error.WriteLineAsync($"'{parse.GetValue(address)}' is not an IP address.");
                return 2;
            }

            var lookup = GeoDatabase.Open(FolderOf(parse, data, folder));
            using var _ = lookup as IDisposable;
            var info = lookup.Lookup(ip);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(info, Json));
            }
            else
            {
                Console.WriteLine(info is null
                    ? $"{ip}: unknown"
                    : $"{ip}: {info.CountryCode} {info.CountryName} ({info.ContinentName}), {info.AsnLabel} {info.AsName}");
            }

            return info is null ? 3 : 0;
        });
        return command;
    }

    private static string Date(DateTimeOffset? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "unknown";
}
