using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Palisade.Cli.Sensor;

/// <summary>
/// <c>palisade sensor</c>: a light honeypot that captures SSH, Telnet, FTP, HTTP and SMTP login attempts and probes and
/// reports them to a Palisade server with a honeypot-role key (docs/sensor.md).
/// </summary>
internal static class SensorCommand
{
    public static readonly string[] Protocols = ["ssh", "telnet", "http", "ftp", "smtp"];

    public static Command Create()
    {
        var server = new Option<string?>("--server") { Description = "Palisade server base URL (env PALISADE_SERVER)." };
        var key = new Option<string?>("--key") { Description = "Honeypot-role API key (env PALISADE_KEY, preferred: arguments are visible to every local user)." };
        var listen = new Option<string[]>("--listen")
        {
            Description = "A listener, protocol=[address]:port; repeat it. Protocols: ssh, telnet, http, ftp, smtp (e.g. --listen ssh=:2222).",
            AllowMultipleArgumentsPerToken = false,
        };
        var data = new Option<string?>("--data") { Description = "Folder for the queue, the SSH host key and the event log (default ./palisade-sensor)." };
        var name = new Option<string?>("--name") { Description = "This sensor's name on the server (default: the host name)." };
        var keepPasswords = new Option<bool>("--keep-passwords") { Description = "Keep offered passwords in the local event log (never sent to the server)." };
        var config = new Option<string?>("--config") { Description = "JSON file with any of: server, key, listen[], data, name, keepPasswords, window, flush, heartbeat, maxConnections." };
        var window = new Option<string?>("--window") { Description = "One report per address and behaviour within this time (default 15m, the server's duplicate window)." };
        var flush = new Option<string?>("--flush") { Description = "How often collected reports are queued and sent (default 10s)." };
        var heartbeat = new Option<string?>("--heartbeat") { Description = "How often the sensor tells the server it is alive, with today's counts (default 60s)." };
        var maxConnections = new Option<int?>("--max-connections") { Description = "Open connections at most, all listeners together (default 256)." };
        var command = new Command("sensor", "Run a light honeypot (SSH, Telnet, FTP, HTTP, SMTP) that reports what it sees to a Palisade server.")
        {
            server, key, listen, data, name, keepPasswords, config, window, flush, heartbeat, maxConnections,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            SensorConfigFile? file = null;
            if (parse.GetValue(config) is { } configPath)
            {
                try
                {
                    file = JsonSerializer.Deserialize(await File.ReadAllTextAsync(configPath, cancellationToken), SensorJsonContext.Default.SensorConfigFile);
                }
                catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"palisade sensor: cannot read --config {configPath}: {ex.Message}");
                    return 2;
                }
            }

            var listens = parse.GetValue(listen) is { Length: > 0 } given ? given : [.. file?.Listen ?? []];
            if (!TrySettings(
                    parse.GetValue(server) ?? file?.Server ?? Environment.GetEnvironmentVariable("PALISADE_SERVER"),
                    parse.GetValue(key) ?? file?.Key ?? Environment.GetEnvironmentVariable("PALISADE_KEY"),
                    listens,
                    parse.GetValue(data) ?? file?.Data ?? "palisade-sensor",
                    parse.GetValue(name) ?? file?.Name ?? Dns.GetHostName(),
                    parse.GetValue(keepPasswords) || file?.KeepPasswords == true,
                    parse.GetValue(window) ?? file?.Window ?? "15m",
                    parse.GetValue(flush) ?? file?.Flush ?? "10s",
                    parse.GetValue(heartbeat) ?? file?.Heartbeat ?? "60s",
                    parse.GetValue(maxConnections) ?? file?.MaxConnections ?? 256,
                    file?.ReportPrivate == true,
                    out var settings, out var error))
            {
                await Console.Error.WriteLineAsync("palisade sensor: " + error);
                return 2;
            }

            Directory.CreateDirectory(settings.DataDirectory);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            using var host = new SensorHost(settings, Console.Error);
            return await host.RunAsync(stop.Token);
        });
        return command;
    }

    internal static bool TrySettings(string? server, string? key, IReadOnlyList<string> listens, string data, string name, bool keepPasswords,
        string window, string flush, string heartbeat, int maxConnections, bool reportPrivate, out SensorSettings settings, out string? error)
    {
        settings = null!;
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = "--server (or PALISADE_SERVER) must be an http(s) base URL without query or credentials, e.g. https://palisade.example.org.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            error = "--key (or PALISADE_KEY) is required: a key of the honeypot tier (palisade keys create --tier honeypot).";
            return false;
        }

        if (listens.Count == 0)
        {
            error = "at least one --listen is required, e.g. --listen ssh=:2222 --listen http=:8081.";
            return false;
        }

        var listeners = new List<SensorListen>();
        foreach (var text in listens)
        {
            if (!TryListen(text, out var parsed, out error))
            {
                return false;
            }

            if (listeners.Any(l => l.EndPoint.Port == parsed.EndPoint.Port && (l.EndPoint.Address.Equals(parsed.EndPoint.Address) ||
                    l.EndPoint.Address.Equals(IPAddress.IPv6Any) || parsed.EndPoint.Address.Equals(IPAddress.IPv6Any))))
            {
                error = $"--listen {text}: port {parsed.EndPoint.Port} is given twice.";
                return false;
            }

            listeners.Add(parsed);
        }

        if (!TryDuration(window, out var windowSpan) || windowSpan < TimeSpan.FromSeconds(1) || windowSpan > TimeSpan.FromDays(1))
        {
            error = $"--window '{window}' must be a time between 1s and 24h (e.g. 15m).";
            return false;
        }

        if (!TryDuration(flush, out var flushSpan) || flushSpan < TimeSpan.FromMilliseconds(100) || flushSpan > TimeSpan.FromHours(1))
        {
            error = $"--flush '{flush}' must be a time between 100ms and 1h (e.g. 10s).";
            return false;
        }

        if (!TryDuration(heartbeat, out var heartbeatSpan) || heartbeatSpan < TimeSpan.FromSeconds(1) || heartbeatSpan > TimeSpan.FromHours(1))
        {
            error = $"--heartbeat '{heartbeat}' must be a time between 1s and 1h (e.g. 60s).";
            return false;
        }

        if (maxConnections is < 1 or > 100_000)
        {
            error = "--max-connections must be between 1 and 100000.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl))
        {
            error = "--name must be 1 to 64 printable characters.";
            return false;
        }

        settings = new SensorSettings(uri, key.Trim(), listeners, Path.GetFullPath(data), name.Trim(), keepPasswords, windowSpan, flushSpan,
            heartbeatSpan, maxConnections, Math.Max(1, Math.Min(8, maxConnections)), TimeSpan.FromSeconds(30), reportPrivate);
        error = null;
        return true;
    }

    /// <summary><c>protocol=[address]:port</c>; an empty address listens on every interface (IPv4 and IPv6).</summary>
    internal static bool TryListen(string text, out SensorListen listen, out string? error)
    {
        listen = null!;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var protocol = equals < 0 ? "" : text[..equals].Trim().ToLowerInvariant();
        if (!Protocols.Contains(protocol))
        {
            error = $"--listen '{text}': expected protocol=[address]:port with a protocol of {string.Join(", ", Protocols)}.";
            return false;
        }

        var endpoint = text[(equals + 1)..].Trim();
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"--listen '{text}': the port must be 1-65535, e.g. {protocol}=:2222.";
            return false;
        }

        var host = endpoint[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0)
        {
            address = IPAddress.IPv6Any;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            error = $"--listen '{text}': '{host}' is not an IP address.";
            return false;
        }

        listen = new SensorListen(protocol, new IPEndPoint(address, port));
        error = null;
        return true;
    }

    /// <summary>A time such as 500ms, 30s, 15m, 1h or a number of seconds.</summary>
    internal static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim().ToLowerInvariant();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0 || amount > 1e7)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(amount * unit);
        return true;
    }
}
