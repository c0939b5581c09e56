using System.CommandLine;
using System.Globalization;
using Palisade.Core.Categories;
using Palisade.Core.IO;

namespace Palisade.Cli.Client;

/// <summary>
/// <c>palisade blacklist</c>: downloads a blocklist in any of the server's formats and streams it to stdout or a file
/// without holding it in memory. A file is written beside its destination and renamed into place when complete, so a
/// firewall reading it never sees half a list.
/// </summary>
internal static class BlacklistClientCommand
{
    private static readonly string[] Formats = ["json", "plaintext", "csv", "ipset", "iptables", "iptables-restore", "ip6tables-restore", "nftables", "nginx", "nginx-geo", "csf"];

    public static Command Create() => ClientConnectionOptions.CreateCommand("blacklist", "Download a blocklist (GET /v1/key/blacklist).", (connection, command) =>
    {
        var scoreMinimum = new Option<int?>("--score-minimum", "--score-min") { Description = "Lowest score listed, 0–100 (server default 50)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many addresses, best first." };
        var format = new Option<string?>("--format") { Description = $"{string.Join(", ", Formats)} (default json)." };
        var plaintext = new Option<bool>("--plaintext") { Description = "Same as --format plaintext." };
        var onlyCountries = new Option<string?>("--only-countries") { Description = "Only these countries (US,CN)." };
        var exceptCountries = new Option<string?>("--except-countries") { Description = "Not these countries." };
        var onlyAsn = new Option<string?>("--only-asn") { Description = "Only these AS numbers (4134,4837)." };
        var exceptAsn = new Option<string?>("--except-asn") { Description = "Not these AS numbers." };
        var ipVersion = new Option<string?>("--ip-version") { Description = "4, 6 or mixed (default mixed)." };
        var protocols = new Option<string?>("--protocols") { Description = "Reported on any of these protocols (ssh,http)." };
        var categories = new Option<string?>("--categories") { Description = "Reported in any of these categories (names or ids)." };
        var minSeverity = new Option<string?>("--min-severity") { Description = "info, low, medium, high or very_high." };
        var maxAge = new Option<int?>("--max-age-days") { Description = "Seen within this many days (1–365)." };
        var ignoreWhitelist = new Option<bool>("--ignore-whitelist") { Description = "Rank by the score before the whitelist discount." };
        var since = new Option<string?>("--since") { Description = "A meta.cursor from an earlier pull: only what was added and removed since (JSON)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the list to this file (replaced when complete) instead of stdout." };
        foreach (var option in new Option[] { scoreMinimum, limit, format, plaintext, onlyCountries, exceptCountries, onlyAsn, exceptAsn, ipVersion, protocols, categories, minSeverity, maxAge, ignoreWhitelist, since, output })
        {
            command.Options.Add(option);
        }

        return async (parse, client, cancellationToken) =>
        {
            var query = new QueryBuilder();
            if (parse.GetValue(scoreMinimum) is { } score)
            {
                Require(score is >= 0 and <= 100, "--score-minimum must be between 0 and 100.");
                query.Add("scoreMinimum", score.ToString(CultureInfo.InvariantCulture));
            }

            if (parse.GetValue(limit) is { } count)
            {
                Require(count is >= 1 and <= 10_000_000, "--limit must be between 1 and 10,000,000.");
                query.Add("limit", count.ToString(CultureInfo.InvariantCulture));
            }

            var chosen = parse.GetValue(format)?.ToLowerInvariant();
            Require(chosen is null || Formats.Contains(chosen), $"--format must be one of: {string.Join(", ", Formats)}.");
            Require(!parse.GetValue(plaintext) || chosen is null or "plaintext", "--plaintext and --format disagree.");
            Require(!parse.GetValue(connection.Json) || chosen is null or "json", "--json downloads the JSON list; leave out --format.");
            chosen ??= parse.GetValue(plaintext) ? "plaintext" : null;
            Require(parse.GetValue(since) is null || chosen is null or "json", "--since answers with JSON (added and removed entries); leave out --format.");
            query.Add("format", chosen);
            query.Add("onlyCountries", Countries(parse.GetValue(onlyCountries), "--only-countries"));
            query.Add("exceptCountries", Countries(parse.GetValue(exceptCountries), "--except-countries"));
            query.Add("onlyAsn", Asns(parse.GetValue(onlyAsn), "--only-asn"));
            query.Add("exceptAsn", Asns(parse.GetValue(exceptAsn), "--except-asn"));
            if (parse.GetValue(ipVersion) is { } version)
            {
                Require(version is "4" or "6" or "mixed", "--ip-version must be 4, 6 or mixed.");
                query.Add("ipVersion", version);
            }

            query.Add("protocols", parse.GetValue(protocols));
            if (parse.GetValue(categories) is { } list)
            {
                foreach (var part in list.Split(',', StringSplitOptions.TrimEntries))
                {
                    Require(CategoryCatalog.TryResolve(part, out _), $"Unknown category '{part}' in --categories. Use names such as brute_force or ids 1–16.");
                }

                query.Add("categories", list);
            }

            if (parse.GetValue(minSeverity) is { } severity)
            {
                Require(CategoryCatalog.TryParseSeverity(severity, out _), "--min-severity must be info, low, medium, high or very_high.");
                query.Add("minSeverity", severity);
            }

            if (parse.GetValue(maxAge) is { } days)
            {
                Require(days is >= 1 and <= 365, "--max-age-days must be between 1 and 365.");
                query.Add("maxAgeInDays", days.ToString(CultureInfo.InvariantCulture));
            }

            if (parse.GetValue(ignoreWhitelist))
            {
                query.Add("ignoreWhitelist", "true");
            }

            if (parse.GetValue(since) is { } cursor)
            {
                Require(cursor.Length is > 0 and <= 200, "--since is a meta.cursor from an earlier pull, or a timestamp.");
                query.Add("since", cursor);
            }

            var target = parse.GetValue(output);
            var accept = chosen is null or "json" ? "application/json" : "*/*";
            using var response = await client.SendStreamingAsync(client.Request(HttpMethod.Get, "/v1/key/blacklist" + query, accept), cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            if (target is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await body.CopyToAsync(stdout, cancellationToken);
                return ClientExitCodes.Success;
            }

            var written = await WriteFileAsync(body, target, cancellationToken);
            var total = response.Headers.TryGetValues("X-Blacklist-Total", out var totals) ? totals.FirstOrDefault() : null;
            var truncated = response.Headers.TryGetValues("X-Blacklist-Truncated", out var cut) && cut.FirstOrDefault() == "true";
            Console.WriteLine($"Wrote {written:N0} bytes to {target}" + (total is null ? "." : $": {total} matching addresses.") +
                              (truncated ? " The list was cut to the remaining blacklist quota." : ""));
            if (response.Headers.TryGetValues("X-Blacklist-Cursor", out var cursors))
            {
                Console.WriteLine($"Cursor for the next incremental pull (--since): {cursors.FirstOrDefault()}");
            }

            if (QuotaLine.From(response.Headers) is { } line)
            {
                Console.WriteLine(line);
            }

            return ClientExitCodes.Success;
        };
    });

    private static async Task<long> WriteFileAsync(Stream body, string target, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(target);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw ClientFailureException.Usage($"--output: the folder {folder} does not exist.");
        }

        try
        {
            long written = 0;
            await AtomicFile.WriteAsync(full, async (file, ct) =>
            {
                await body.CopyToAsync(file, ct);
                written = file.Position;
            }, cancellationToken);
            return written;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw ClientFailureException.Usage($"--output: cannot write {full}: {ex.Message}");
        }
    }

    private static string? Countries(string? list, string option)
    {
        if (list is null)
        {
            return null;
        }

        var codes = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Require(codes.Length > 0 && codes.All(c => c.Length == 2 && c.All(char.IsAsciiLetter)), $"{option} takes ISO 3166-1 alpha-2 codes such as US,CN.");
        return string.Join(',', codes.Select(c => c.ToUpperInvariant()));
    }

    private static string? Asns(string? list, string option)
    {
        if (list is null)
        {
            return null;
        }

        var numbers = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? a[2..] : a).ToArray();
        Require(numbers.Length > 0 && numbers.All(n => uint.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out _)),
            $"{option} takes AS numbers such as 4134,AS4837.");
        return string.Join(',', numbers);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw ClientFailureException.Usage(message);
        }
    }
}
