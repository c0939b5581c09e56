using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Addresses;

namespace Palisade.Core.Whitelisting;

/// <summary>
/// The whitelist shipped with Palisade: a curated list of well-known services (public DNS resolvers, …) and the CC0 MISP
/// warning lists, both embedded as data files in this assembly (Whitelisting/Data; multipliers in sources.json).
/// </summary>
public static class BuiltInWhitelist
{
    public const string BuiltInSource = "builtin";
    public const string MispSourcePrefix = "misp:";

    private const string ResourcePrefix = "Palisade.Whitelist/";

    // Parsing ~64,000 entries takes a noticeable moment; the data is fixed at build time, so do it once.
    private static readonly Lazy<IReadOnlyList<WhitelistEntry>> Cached = new(LoadUncached);

    /// <summary>MISP entries first, then the curated ones: at the same prefix a later entry wins in
    /// <see cref="Whitelist"/>, so the curated multipliers override the lists.</summary>
    public static IReadOnlyList<WhitelistEntry> Load() => Cached.Value;

    /// <summary>Reads MISP warning-list JSON ("list" of CIDRs or addresses) into entries of one source. The source name
    /// is derived from the list's "name" field; prefer the overload taking the list's file name.</summary>
    public static IReadOnlyList<WhitelistEntry> ParseMispList(Stream json, double multiplier)
        => ParseMispList(json, multiplier, listName: null);

    /// <summary>Reads MISP warning-list JSON into entries with Source "misp:&lt;listName&gt;" and Name the list's "name".
    /// Entries that are not an address or CIDR (hostnames, regexes in other list types) are skipped; host bits are
    /// masked, since this is imported data rather than something a person typed.</summary>
    /// <exception cref="JsonException">The stream is not JSON or has no "list" array.</exception>
    public static IReadOnlyList<WhitelistEntry> ParseMispList(Stream json, double multiplier, string? listName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentOutOfRangeException.ThrowIfNegative(multiplier);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(multiplier, 1.0);

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("list", out var list)
            || list.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("not a MISP warning list: no \"list\" array");
        }

        var name = root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString() ?? string.Empty
            : string.Empty;
        var source = MispSourcePrefix + (string.IsNullOrEmpty(listName) ? Slug(name) : listName);
        if (name.Length == 0)
        {
            name = source;
        }

        var entries = new List<WhitelistEntry>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && TryParseEntry(item.GetString(), out var network))
            {
                entries.Add(new WhitelistEntry(network, name, multiplier, source));
            }
        }

        return entries;
    }

    private static List<WhitelistEntry> LoadUncached()
    {
        var entries = new List<WhitelistEntry>(70_000);

        using (var sourcesStream = OpenResource("sources.json"))
        using (var sources = JsonDocument.Parse(sourcesStream))
        {
            foreach (var list in sources.RootElement.GetProperty("lists").EnumerateArray())
            {
                var name = list.GetProperty("name").GetString()!;
                var file = list.GetProperty("file").GetString()!;
                var multiplier = list.GetProperty("multiplier").GetDouble();
                using var stream = OpenResource("misp/" + file);
                entries.AddRange(ParseMispList(stream, multiplier, name));
            }
        }

        using (var curatedStream = OpenResource("curated.json"))
        using (var curated = JsonDocument.Parse(curatedStream))
        {
            foreach (var item in curated.RootElement.GetProperty("entries").EnumerateArray())
            {
                var cidr = item.GetProperty("cidr").GetString();
                if (!IpAddressParser.TryParseNetwork(cidr, out var network, out var error))
                {
                    throw new InvalidOperationException($"curated.json: {error}");
                }

                entries.Add(new WhitelistEntry(
                    network,
                    item.GetProperty("name").GetString()!,
                    item.GetProperty("multiplier").GetDouble(),
                    BuiltInSource));
            }
        }

        return entries;
    }

    private static bool TryParseEntry(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IpAddressParser.TryParseNetwork(text, maskHostBits: true, out network, out _);
        }

        if (!IpAddressParser.TryParse(text, out var address, out _))
        {
            return false;
        }

        network = new IPNetwork(address.Address, address.IsIPv6 ? 128 : 32);
        return true;
    }

    /// <summary>"Censys IP Ranges Used for Scanning" → "censys-ip-ranges-used-for-scanning".</summary>
    private static string Slug(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var text = slug.ToString().TrimEnd('-');
        return text.Length == 0 ? "unnamed" : text;
    }

    private static Stream OpenResource(string name)
        => typeof(BuiltInWhitelist).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"embedded whitelist data '{name}' is missing"));
}
