using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Operations;

public sealed partial class MetricsTests
{
    private const string ExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

    [Fact]
    public async Task Counters_move_by_exactly_the_requests_made_and_the_exposition_passes_promtool()
    {
        await using var host = await PalisadeHost.StartAsync();
        var secret = await host.CreateKeyAsync("enterprise", new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2, [QuotaFamily.Report] = 1 });
        using var client = host.ClientWithKey(secret);

        var beforeText = await ScrapeTextAsync(host.Client);
        var before = Parse(beforeText);
        await PromtoolCheckAsync(beforeText);

        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.10", category = "brute_force", protocol = "ssh" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.10", category = "brute_force", protocol = "ssh" })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostJsonAsync("/v1/key/report", new { ip = "45.33.32.11", category = "port_scan" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.10")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.10")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/key/check/45.33.32.10")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/blacklist?scoreMinimum=0")).StatusCode);
        // The server runs in this process: a blocking collection here pauses it, and the pause counter must show it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);

        // A request is counted when its handler returns, which can be a moment after the client read the whole answer.
        var (afterText, after) = await ScrapeUntilAsync(host.Client,
            samples => Sum(samples, "palisade_http_requests_total", "face", "native") - Sum(before, "palisade_http_requests_total", "face", "native") >= 7);
        await PromtoolCheckAsync(afterText);

        double Delta(string name, params string[] labels) => Sum(after, name, labels) - Sum(before, name, labels);

        const string Requests = "palisade_http_requests_total";
        Assert.Equal(2, Delta(Requests, "face", "native", "method", "POST", "route", "/v1/key/report", "code", "200", "status_class", "2xx"));
        Assert.Equal(1, Delta(Requests, "face", "native", "method", "POST", "route", "/v1/key/report", "code", "429", "status_class", "4xx"));
        Assert.Equal(2, Delta(Requests, "face", "native", "method", "GET", "route", "/v1/key/check/{ip}", "code", "200"));
        Assert.Equal(1, Delta(Requests, "face", "native", "method", "GET", "route", "/v1/key/check/{ip}", "code", "429"));
        Assert.Equal(1, Delta(Requests, "face", "native", "method", "GET", "route", "/v1/key/blacklist", "code", "200"));
        Assert.Equal(7, Delta(Requests, "face", "native"));
        Assert.True(Delta(Requests, "face", "operations", "route", "/metrics", "code", "200") >= 1);
        Assert.Equal(7, Delta("palisade_http_request_duration_seconds_count", "face", "native"));
        Assert.Equal(7, Delta("palisade_http_request_duration_seconds_bucket", "face", "native", "le", "+Inf"));
        Assert.True(Delta("palisade_http_request_duration_seconds_sum", "face", "native") > 0);

        Assert.Equal(1, Delta("palisade_http_quota_refusals_total", "face", "native", "family", "report"));
        Assert.Equal(1, Delta("palisade_http_quota_refusals_total", "face", "native", "family", "check"));
        Assert.Equal(2, Delta("palisade_http_quota_refusals_total"));

        Assert.Equal(1, Delta("palisade_reports_total", "outcome", "accepted"));
        Assert.Equal(1, Delta("palisade_reports_total", "outcome", "duplicate"));
        Assert.Equal(1, Delta("palisade_reports_total", "outcome", "quota_exceeded"));
        Assert.Equal(0, Delta("palisade_reports_total", "outcome", "rejected"));

        Assert.Equal(1, Sum(after, "palisade_reputation_addresses"));
        Assert.True(Sum(after, "palisade_reputation_data_version") > Sum(before, "palisade_reputation_data_version"));

        // The blocklist request built a snapshot holding the reported address; every build moves the generation by one
        // (a build counts itself before it publishes its snapshot: scraped until none is in flight).
        Assert.True(Delta("palisade_blocklist_builds_total") >= 1);
        var (_, built) = await ScrapeUntilAsync(host.Client,
            samples => Sum(samples, "palisade_blocklist_builds_total") == Sum(samples, "palisade_blocklist_snapshot_generation"));
        Assert.Equal(1, Sum(built, "palisade_blocklist_snapshot_entries"));

        // The TAXII feed's start-up rescan of every address is counted, with how long it took (an operator compares that
        // with the rescan interval).
        var (_, rescanned) = await ScrapeUntilAsync(host.Client, samples => Sum(samples, "palisade_taxii_rescans_total") >= 1);
        Assert.InRange(Sum(rescanned, "palisade_taxii_last_rescan_seconds"), 0, 20);

        Assert.Equal(1, Sum(after, "palisade_store_up"));
        Assert.True(Sum(after, "process_resident_memory_bytes") > 1_000_000);
        Assert.True(Sum(after, "process_cpu_seconds_total") > 0);
        Assert.True(Sum(after, "dotnet_gc_heap_size_bytes") > 0);
        Assert.True(Sum(after, "dotnet_threadpool_threads") >= 1);
        Assert.True(Sum(after, "dotnet_jit_compiled_methods_total") > 1000, "serving requests compiled the server's methods");
        Assert.True(Sum(after, "dotnet_jit_compilation_seconds_total") > 0);
        Assert.Contains(after, s => s.Name == "dotnet_gc_collections_total" && s.Labels["generation"] == "2");
        Assert.True(Delta("dotnet_gc_pause_seconds_total") > 0, "the forced collection paused the server");
        Assert.True(Sum(after, "palisade_uptime_seconds") > Sum(before, "palisade_uptime_seconds"));
        var build = Assert.Single(after, s => s.Name == "palisade_build_info");
        Assert.Equal(1, build.Value);
        Assert.False(string.IsNullOrEmpty(build.Labels["version"]));

        // Never a key, an address or a raw path in a label.
        Assert.DoesNotContain(secret, afterText, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[..12], afterText, StringComparison.Ordinal);
        Assert.DoesNotContain("45.33.32.1", afterText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_face_gets_its_own_label_and_unknown_paths_collapse_to_one_series()
    {
        await using var host = await PalisadeHost.StartAsync();
        var before = Parse(await ScrapeTextAsync(host.Client));

        // No key: each face answers its own refusal, which is enough to be counted.
        var requests = new (string Path, string Face)[]
        {
            ("/api/v2/check?ipAddress=45.33.32.20", "abuseipdb"),
            ("/wp-json/reportedip/v2/check?ip=45.33.32.20", "reportedip"),
            ("/api/v1/checkIP?ip=45.33.32.20", "ipswamp"),
            ("/v1/decisions?ip=45.33.32.20", "crowdsec"),
            ("/taxii2/palisade/collections/", "taxii"),
            ("/v1/key/check/45.33.32.20", "native"),
            ("//v1/key/check/45.33.32.20", "native"),
            ("/healthz", "operations"),
            ("/no/such/page/45.33.32.20", "other"),
            ("/wp-login.php?u=admin&p=45.33.32.21", "other"),
        };
        foreach (var (path, _) in requests)
        {
            // Built as text: "//v1/…" given to HttpClient as a relative URI would name a host called "v1".
            using var response = await host.Client.GetAsync(new Uri(host.BaseAddress.ToString().TrimEnd('/') + path));
        }

        var (afterText, after) = await ScrapeUntilAsync(host.Client,
            samples => Sum(samples, "palisade_http_requests_total", "route", "unmatched") == 2 && Sum(samples, "palisade_http_requests_total", "route", "/healthz") == 1);
        foreach (var group in requests.GroupBy(r => r.Face).Where(g => g.Key != "operations"))
        {
            Assert.True(group.Count() == Sum(after, "palisade_http_requests_total", "face", group.Key) - Sum(before, "palisade_http_requests_total", "face", group.Key),
                group.Key);
        }

        Assert.Equal(1, Sum(after, "palisade_http_requests_total", "face", "operations", "route", "/healthz"));

        Assert.Equal(2, Sum(after, "palisade_http_requests_total", "face", "other", "route", "unmatched", "code", "404"));
        Assert.Equal(2, Sum(after, "palisade_http_requests_total", "face", "native", "route", "/v1/key/check/{ip}", "code", "401"));
        Assert.DoesNotContain("45.33.32.2", afterText, StringComparison.Ordinal);
        Assert.DoesNotContain("wp-login", afterText, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", afterText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_token_is_required_and_a_wrong_one_is_refused()
    {
        const string Token = "metrics-token-8d1f3b";
        var (app, client, directory) = await StartAsync($"--Palisade:Metrics:Token={Token}");
        try
        {
            var missing = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            Assert.StartsWith("Bearer", missing.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("\"error\"", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            foreach (var header in new[] { new AuthenticationHeaderValue("Bearer", Token + "x"), new AuthenticationHeaderValue("Bearer", Token[..^1]),
                         new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("prometheus:" + Token))),
                         new AuthenticationHeaderValue("Token", Token) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = header } };
                using var refused = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.DoesNotContain("palisade_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            // The refusals were counted like any other request, and the token is nowhere in the output.
            var (text, _) = await ScrapeUntilAsync(client, samples => Sum(samples, "palisade_http_requests_total", "route", "/metrics", "code", "401") == 5);
            Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        }
        finally
        {
            await StopAsync(app, client, directory);
        }
    }

    [Fact]
    public async Task Store_up_follows_an_outage_of_the_store()
    {
        var (app, client, directory) = await StartAsync("--Palisade:Metrics:StoreCheckInterval=00:00:00.2");
        try
        {
            Assert.Equal(1, Sum(Parse(await ScrapeTextAsync(client)), "palisade_store_up"));
            await using (await TestBackend.OutageAsync(directory))
            {
                await ScrapeUntilAsync(client, samples => Sum(samples, "palisade_store_up") == 0);
            }

            await ScrapeUntilAsync(client, samples => Sum(samples, "palisade_store_up") == 1);
        }
        finally
        {
            await StopAsync(app, client, directory);
        }
    }

    private static async Task<(string Text, List<(string Name, Dictionary<string, string> Labels, double Value)> Samples)> ScrapeUntilAsync(
        HttpClient client, Func<List<(string Name, Dictionary<string, string> Labels, double Value)>, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var text = await ScrapeTextAsync(client);
            var samples = Parse(text);
            if (ready(samples))
            {
                return (text, samples);
            }

            Assert.True(DateTime.UtcNow < deadline, "the metrics never reached the expected state:\n" + text);
            await Task.Delay(50);
        }
    }

    private static async Task<string> ScrapeTextAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpositionContentType, response.Content.Headers.ContentType!.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A server like <see cref="PalisadeHost"/>'s, with extra configuration arguments (as <c>palisade serve</c> passes them).</summary>
    private static async Task<(WebApplication App, HttpClient Client, string Directory)> StartAsync(params string[] args)
    {
        var directory = TempDirectory.Create();
        var app = PalisadeServer.Build(args, options =>
        {
            options.DataDirectory = directory;
            if (TestBackend.IsPostgres)
            {
                options.Postgres = TestBackend.ConnectionStringFor(directory);
                options.Redis = TestBackend.Redis;
                options.RedisKeyPrefix = TestBackend.RedisPrefix(directory);
            }
        }, urls: ["http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) }, directory);
    }

    private static async Task StopAsync(WebApplication app, HttpClient client, string directory)
    {
        client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        TempDirectory.Delete(directory);
    }

    /// <summary>The real Prometheus tool (Debian's prometheus package, installed by scripts/install-test-deps.sh): format and lint.</summary>
    private static async Task PromtoolCheckAsync(string exposition)
    {
        var start = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new Xunit.Sdk.XunitException("promtool is not installed; run scripts/install-test-deps.sh. " + ex.Message);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(exposition);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var said = (await output + await errors).Trim();
            Assert.True(process.ExitCode == 0 && said.Length == 0, $"promtool check metrics exited {process.ExitCode}: {said}");
        }
    }

    private static double Sum(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, string name, params string[] labels)
    {
        var total = 0.0;
        foreach (var sample in samples)
        {
            if (sample.Name != name)
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < labels.Length; i += 2)
            {
                matches &= sample.Labels.TryGetValue(labels[i], out var value) && value == labels[i + 1];
            }

            if (matches)
            {
                total += sample.Value;
            }
        }

        return total;
    }

    /// <summary>
    /// A strict reader of the text exposition format 0.0.4: every line is HELP, TYPE or a sample; names, label names,
    /// escapes and values are checked; a family's samples are contiguous and follow its TYPE; histograms have
    /// <c>_bucket</c> (with <c>le</c>, ending at +Inf equal to <c>_count</c>), <c>_sum</c> and <c>_count</c>.
    /// </summary>
    private static List<(string Name, Dictionary<string, string> Labels, double Value)> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new List<(string Name, Dictionary<string, string> Labels, double Value)>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helped = new HashSet<string>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length - 1; n++)
        {
            var line = lines[n];
            var where = $"line {n + 1}: {line}";
            if (line.StartsWith('#'))
            {
                var comment = CommentLine().Match(line);
                Assert.True(comment.Success, where);
                var family = comment.Groups["name"].Value;
                if (comment.Groups["kind"].Value == "TYPE")
                {
                    Assert.Matches("^(counter|gauge|histogram|summary|untyped)$", comment.Groups["rest"].Value);
                    Assert.True(types.TryAdd(family, comment.Groups["rest"].Value), "TYPE twice: " + where);
                    Assert.DoesNotContain(family, finished);
                }
                else
                {
                    Assert.True(helped.Add(family), "HELP twice: " + where);
                }

                continue;
            }

            Assert.False(string.IsNullOrWhiteSpace(line), "blank " + where);
            var match = SampleLine().Match(line);
            Assert.True(match.Success, where);
            var name = match.Groups["name"].Value;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var body = match.Groups["labels"].Value;
            var position = 0;
            while (position < body.Length)
            {
                var label = LabelPair().Match(body, position);
                Assert.True(label.Success && label.Index == position, where);
                var value = label.Groups["value"].Value.Replace("\\n", "\n", StringComparison.Ordinal)
                    .Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                Assert.True(labels.TryAdd(label.Groups["name"].Value, value), "label twice: " + where);
                position += label.Length;
            }

            var number = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            var familyName = types.Keys.FirstOrDefault(f => f == name
                || (types[f] is "histogram" or "summary" && (name == f + "_sum" || name == f + "_count" || (types[f] == "histogram" && name == f + "_bucket"))));
            Assert.True(familyName is not null, "sample without TYPE: " + where);
            if (familyName != current)
            {
                if (current is not null)
                {
                    finished.Add(current);
                }

                Assert.DoesNotContain(familyName, finished);
                current = familyName;
            }

            if (name.EndsWith("_bucket", StringComparison.Ordinal) && types[familyName!] == "histogram")
            {
                Assert.True(labels.ContainsKey("le"), "bucket without le: " + where);
            }

            if (types[familyName!] == "counter")
            {
                Assert.True(number >= 0, "negative counter: " + where);
            }

            samples.Add((name, labels, number));
        }

        foreach (var (family, _) in types.Where(t => t.Value == "histogram"))
        {
            foreach (var count in samples.Where(s => s.Name == family + "_count"))
            {
                var series = count.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).SelectMany(l => new[] { l.Key, l.Value }).ToArray();
                Assert.Equal(count.Value, Sum(samples, family + "_bucket", [.. series, "le", "+Inf"]));
                Assert.Contains(samples, s => s.Name == family + "_sum" && series.Length == s.Labels.Count * 2);
            }
        }

        return samples;
    }

    [GeneratedRegex("""^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([^"}]|"(\\.|[^"\\])*")*)\})? (?<value>[+-]?(Inf|NaN|[0-9.eE+-]+))( -?[0-9]+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(\\[\\"n]|[^"\\\n])*)",?""")]
    private static partial Regex LabelPair();
}
