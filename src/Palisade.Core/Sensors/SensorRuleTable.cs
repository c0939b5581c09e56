namespace Palisade.Core.Sensors;

/// <summary>
/// The documented table that turns a sensor event into one native category (docs/sensor.md repeats it). Rules are
/// tried top to bottom; the first that matches wins:
/// <list type="number">
/// <item>login attempt (any protocol, also HTTP basic auth and login-form POSTs) → brute_force (1)</item>
/// <item>HTTP path of a known IoT/router exploit (<c>/boaform/</c>, <c>/GponForm/</c>, <c>/HNAP1</c>, …) → iot_targeted (13)</item>
/// <item>HTTP request with SQL injection in it (<c>union select</c>, <c>' or 1=1</c>, …) → sql_injection (5)</item>
/// <item>HTTP path of a known web exploit or secret (<c>/.env</c>, <c>/wp-login.php</c>, <c>/cgi-bin/</c>, <c>/.git/</c>, <c>../</c>, …) → web_exploit (4)</item>
/// <item>SMTP relay attempt → spam (7)</item>
/// <item>any other HTTP request (a crawler on a host that serves nothing) → port_scan (2)</item>
/// <item>connection without payload, or a probe without credentials → port_scan (2)</item>
/// </list>
/// </summary>
public static class SensorRuleTable
{
    public const int BruteForce = 1;
    public const int PortScan = 2;
    public const int WebExploit = 4;
    public const int SqlInjection = 5;
    public const int Spam = 7;
    public const int IotTargeted = 13;

    public static readonly SensorRule Login = new("login", BruteForce, "a username or password was offered (SSH, Telnet, FTP, SMTP AUTH, HTTP basic auth or a login form)");
    public static readonly SensorRule IotPath = new("iot-path", IotTargeted, "an HTTP path that exploits routers, cameras and other devices");
    public static readonly SensorRule SqlInjectionRequest = new("sql-injection", SqlInjection, "SQL injection in the HTTP path or query");
    public static readonly SensorRule WebExploitPath = new("web-exploit-path", WebExploit, "an HTTP path that probes for secrets, admin panels or vulnerable software");
    public static readonly SensorRule Relay = new("smtp-relay", Spam, "an SMTP client tried to relay mail");
    public static readonly SensorRule HttpProbe = new("http-probe", PortScan, "any other HTTP request to a host that serves nothing");
    public static readonly SensorRule Scan = new("scan", PortScan, "a connection with no payload, or a probe without credentials");

    /// <summary>Every rule in evaluation order (for the docs and the sensor's <c>--rules</c> listing).</summary>
    public static IReadOnlyList<SensorRule> Rules { get; } = [Login, IotPath, SqlInjectionRequest, WebExploitPath, Relay, HttpProbe, Scan];

    /// <summary>Path fragments (lower case) of device exploits seen in the wild: Realtek/Boa, GPON, HNAP, Netgear, DVRs.</summary>
    public static IReadOnlyList<string> IotPathFragments { get; } =
    [
        "/boaform/", "/gponform/", "/hnap1", "/setup.cgi", "/tmunblock.cgi", "/picsdesc.xml", "/goform/", "/cgi-bin/luci",
        "/shell?", "/device.rsp", "/ctrlt/", "/soap.cgi", "/apply.cgi", "/userrpm/", "/hudson", "/mgmt/tm/", "/dvr/",
    ];

    /// <summary>Path fragments (lower case) of web exploits, secret files and admin panels.</summary>
    public static IReadOnlyList<string> WebExploitFragments { get; } =
    [
        "/.env", "/wp-login.php", "/xmlrpc.php", "/wp-admin", "/wp-content/", "/wp-includes/", "/cgi-bin/", "/.git/", "/.aws/",
        "/phpmyadmin", "/pma/", "/vendor/phpunit", "eval-stdin.php", "/actuator", "/solr/", "/owa/", "/autodiscover",
        "/.ds_store", "/config.json", "/server-status", "/admin", "/manager/html", "/console", "/druid/", "/jenkins",
        "/telescope", "/_ignition", "/.svn/", "/backup", ".sql", "/etc/passwd", "../", "..%2f", "%2e%2e", "${jndi:",
    ];

    /// <summary>Fragments (lower case, URL-decoded) that mark SQL injection.</summary>
    public static IReadOnlyList<string> SqlInjectionFragments { get; } =
        ["union select", "union all select", "' or '1'='1", "' or 1=1", "\" or 1=1", "information_schema", "sleep(", "benchmark(", "waitfor delay"];

    /// <summary>The rule that classifies an event.</summary>
    public static SensorRule Classify(SensorEvent sensorEvent)
    {
        if (sensorEvent.Kind == SensorEventKind.Login)
        {
            return Login;
        }

        if (sensorEvent.Kind == SensorEventKind.HttpRequest && sensorEvent.Path is { } rawPath)
        {
            var path = Decode(rawPath).ToLowerInvariant();
            if (IotPathFragments.Any(path.Contains))
            {
                return IotPath;
            }

            if (SqlInjectionFragments.Any(path.Contains))
            {
                return SqlInjectionRequest;
            }

            return WebExploitFragments.Any(path.Contains) ? WebExploitPath : HttpProbe;
        }

        return sensorEvent.Kind == SensorEventKind.MailRelay ? Relay : Scan;
    }

    private static string Decode(string path)
    {
        try
        {
            // '+' is a space in a query string; a raw %-sequence that does not decode is kept as sent.
            return Uri.UnescapeDataString(path.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return path;
        }
    }
}
