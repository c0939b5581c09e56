using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Palisade.Cli.Guard;

/// <summary>
/// <c>palisade guard</c>: keeps this host's ipset or nftables sets in sync with a Palisade blocklist (full sync with an
/// atomic swap, then incremental pulls; an allowlist that always wins). See integrations/README.md, "palisade guard".
/// </summary>
internal static partial class GuardCommand
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    public static Command Create()
    {
        var server = new Option<string?>("--server")
        {
            Description = "Palisade server base URL, e.g. https://palisade.example.org (env PALISADE_SERVER).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_SERVER"),
        };
        var key = new Option<string?>("--key")
        {
            Description = "API key with blocklist access (env PALISADE_KEY, preferred: arguments are visible to every local user).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_KEY"),
        };
        var backend = new Option<string>("--backend") { Description = "Firewall tool: ipset or nftables.", DefaultValueFactory = _ => "ipset" };
        backend.AcceptOnlyFromAmong("ipset", "nftables");
        var setV4 = new Option<string?>("--set-v4") { Description = "IPv4 set name (default palisade-v4 for ipset, blocklist_v4 for nftables, as format=ipset/nftables name them)." };
        var setV6 = new Option<string?>("--set-v6") { Description = "IPv6 set name (default palisade-v6 for ipset, blocklist_v6 for nftables)." };
        var table = new Option<string>("--nft-table") { Description = "nftables table (family inet) holding the sets and an input chain.", DefaultValueFactory = _ => "palisade" };
        var allow = new Option<string?>("--allow") { Description = "Allowlist file: addresses and CIDRs (IPv4 and IPv6), one a line, # comments. Never added; removed if present." };
        var interval = new Option<string>("--interval") { Description = "Time between pulls: seconds, or with s/m/h (e.g. 90s, 5m, 1h).", DefaultValueFactory = _ => "5m" };
        var once = new Option<bool>("--once") { Description = "Sync once and exit (for cron or a systemd timer)." };
        var state = new Option<string?>("--state") { Description = "State file keeping the cursor (and what the guard added) between runs; without it every start is a full sync." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the server per pull.", DefaultValueFactory = _ => 120 };

        // Blocklist filters, passed through to GET /v1/key/blacklist (the server validates them: docs/blocklists.md).
        var filters = new (Option<string?> Option, string Parameter)[]
        {
            (new Option<string?>("--score-minimum") { Description = "Lowest confidence 0-100 (server default 50)." }, "scoreMinimum"),
            (new Option<string?>("--only-countries") { Description = "Only these countries (ISO codes, comma-separated)." }, "onlyCountries"),
            (new Option<string?>("--except-countries") { Description = "Not these countries." }, "exceptCountries"),
            (new Option<string?>("--only-asn") { Description = "Only these AS numbers." }, "onlyAsn"),
            (new Option<string?>("--except-asn") { Description = "Not these AS numbers." }, "exceptAsn"),
            (new Option<string?>("--ip-version") { Description = "4, 6 or mixed." }, "ipVersion"),
            (new Option<string?>("--protocols") { Description = "Reported with any of these protocols (ssh,http)." }, "protocols"),
            (new Option<string?>("--categories") { Description = "Reported in any of these categories (names or ids)." }, "categories"),
            (new Option<string?>("--min-severity") { Description = "info, low, medium, high or very_high." }, "minSeverity"),
            (new Option<string?>("--max-age-days") { Description = "Seen within this many days (1-365)." }, "maxAgeInDays"),
        };
        var ignoreWhitelist = new Option<bool>("--ignore-whitelist") { Description = "Rank by the raw score, before the server's whitelist discount." };

        var command = new Command("guard", "Keep this host's ipset or nftables sets in sync with a Palisade blocklist.")
        {
            server, key, backend, setV4, setV6, table, allow, interval, once, state, timeout, ignoreWhitelist,
        };
        foreach (var (option, _) in filters)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var query = new StringBuilder();
            foreach (var (option, parameter) in filters)
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    query.Append(query.Length > 0 ? "&" : "").Append(parameter).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            if (parse.GetValue(ignoreWhitelist))
            {
                query.Append(query.Length > 0 ? "&" : "").Append("ignoreWhitelist=true");
            }

            var kind = parse.GetValue(backend) == "nftables" ? GuardBackend.Nftables : GuardBackend.Ipset;
            if (!TrySettings(parse.GetValue(server), parse.GetValue(key), kind,
                    parse.GetValue(setV4) ?? (kind == GuardBackend.Ipset ? "palisade-v4" : "blocklist_v4"),
                    parse.GetValue(setV6) ?? (kind == GuardBackend.Ipset ? "palisade-v6" : "blocklist_v6"),
                    parse.GetValue(table)!, query.ToString(), parse.GetValue(allow), parse.GetValue(interval)!, parse.GetValue(once),
                    parse.GetValue(state), out var settings, out var error))
            {
                await Console.Error.WriteLineAsync("palisade guard: " + error);
                return GuardExitCodes.Usage;
            }

            if (parse.GetValue(timeout) is < 1 or > 3600)
            {
                await Console.Error.WriteLineAsync("palisade guard: --timeout must be between 1 and 3600 seconds.");
                return GuardExitCodes.Usage;
            }

            // A broken allowlist is refused before anything is pulled or changed.
            if (settings.AllowFile is { } file && !GuardAllowlist.TryLoad(file, out _, out var allowError))
            {
                await Console.Error.WriteLineAsync("palisade guard: " + allowError);
                return GuardExitCodes.Usage;
            }

            IGuardFirewall firewall = kind == GuardBackend.Ipset
                ? new IpsetGuardFirewall(settings.SetV4, settings.SetV6)
                : new NftablesGuardFirewall(settings.NftTable, settings.SetV4, settings.SetV6);
            using var client = new GuardBlocklistClient(settings.Server, settings.Key, settings.Query, TimeSpan.FromSeconds(parse.GetValue(timeout)));
            // systemd stops services with SIGTERM; the runtime would exit at once (143). Treat it like Ctrl+C: finish the
            // firewall change under way, keep the sets, exit 0.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            return await new GuardRunner(settings, firewall, client, Console.Out, Console.Error).RunAsync(stop.Token);
        });
        return command;
    }

    internal static bool TrySettings(string? server, string? key, GuardBackend backend, string setV4, string setV6, string table, string query,
        string? allow, string interval, bool once, string? state, out GuardSettings settings, out string? error)
    {
        settings = null!;
        if (string.IsNullOrWhiteSpace(server))
        {
            error = "--server (or PALISADE_SERVER) is required, e.g. https://palisade.example.org.";
            return false;
        }

        if (!Uri.TryCreate(server.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
            !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"--server '{Shorten(server)}' must be an http(s) base URL without query or credentials, e.g. https://palisade.example.org.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            error = "--key (or PALISADE_KEY) is required: an API key whose tier includes blocklists.";
            return false;
        }

        if (key.Trim().Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || key.Trim().Length > 512)
        {
            error = "the key contains spaces or control characters; it is not a Palisade key.";
            return false;
        }

        var nameRule = backend == GuardBackend.Ipset ? IpsetName() : NftName();
        foreach (var (name, option) in new[] { (setV4, "--set-v4"), (setV6, "--set-v6"), (table, "--nft-table") })
        {
            if (option == "--nft-table" && backend != GuardBackend.Nftables)
            {
                continue;
            }

            if (!nameRule.IsMatch(name))
            {
                error = backend == GuardBackend.Ipset
                    ? $"{option} '{Shorten(name)}' is not a usable ipset name (letters, digits, '_', '.', '-'; at most {IpsetGuardFirewall.MaxNameLength} characters)."
                    : $"{option} '{Shorten(name)}' is not a usable nftables name (a letter, then letters, digits or '_'; at most 64 characters).";
                return false;
            }
        }

        if (setV4 == setV6)
        {
            error = "--set-v4 and --set-v6 must differ.";
            return false;
        }

        if (!TryInterval(interval, out var every))
        {
            error = $"--interval '{Shorten(interval)}' must be seconds or a number with s, m or h, between {MinInterval.TotalSeconds:0} s and 24 h.";
            return false;
        }

        var baseUri = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        settings = new GuardSettings(baseUri, key.Trim(), backend, setV4, setV6, table, query, allow, every, once, state);
        error = null;
        return true;
    }

    private static bool TryInterval(string text, out TimeSpan interval)
    {
        interval = default;
        text = text.Trim().ToLowerInvariant();
        var hasUnit = text.Length > 0 && char.IsLetter(text[^1]);
        var unit = hasUnit ? text[^1] : 's';
        var number = hasUnit ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        interval = unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            _ => TimeSpan.Zero,
        };
        return interval >= MinInterval && interval <= MaxInterval;
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,27}$")]
    private static partial Regex IpsetName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex NftName();
}
