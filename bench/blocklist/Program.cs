// Blocklist and geo benchmark. Builds a real server (Kestrel on loopback, SQLite in a temp folder), loads N addresses
// straight into its ReputationIndex in-process (ReputationIndex.Apply, as the engine loader does from the store),
// then measures over HTTP what a firewall sees. Prints figures; asserts nothing.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Blocklists;
using Palisade.Core.Geo;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var geoFolder = args.Length > 1 ? args[1] : null;
var inv = CultureInfo.InvariantCulture;

if (geoFolder is not null)
{
    BenchGeo(geoFolder);
}

if (count == 0)
{
    return; // geo only (bench/geo/run.sh)
}

var data = Directory.CreateTempSubdirectory("palisade-bench-blocklist-").FullName;
try
{
    var app = PalisadeServer.Build([], o => o.DataDirectory = data, urls: ["http://127.0.0.1:0"]);
    await app.StartAsync();
    var baseAddress = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    var index = app.Services.GetRequiredService<ReputationIndex>();
    var engine = app.Services.GetRequiredService<BlocklistEngine>();
    var clock = app.Services.GetRequiredService<IClock>();
    var secret = ApiKeySecrets.Generate("enterprise");
    await app.Services.GetRequiredService<IKeyStore>().CreateAsync(new ApiKey(0, "bench", "enterprise", ApiKeySecrets.Hash(secret),
        ApiKeySecrets.PrefixOf(secret), clock.UtcNow.AddDays(-60), null, new Dictionary<QuotaFamily, long>()), CancellationToken.None);

    var load = Stopwatch.StartNew();
    var now = clock.UtcNow;
    string[] protocols = ["ssh", "http", "smtp", "telnet", null!];
    for (var i = 0; i < count; i++)
    {
        // 90 % IPv4 from 20.0.0.0 up, 10 % IPv6 in 2600::/16; 1–3 categories; times spread over two weeks.
        var address = i % 10 == 9
            ? $"2600:{(i >> 16) & 0xffff:x}:{i & 0xffff:x}::1"
            : new IPAddress((uint)IPAddress.HostToNetworkOrder((int)(0x14000000u + (uint)(i * 3) + 1))).ToString();
        var at = now - TimeSpan.FromMinutes(i % 20_000);
        index.Apply(new StoredReport(i + 1, address, 1 + (i % 7), ReporterKind.Community, 1.0, [1 + (i % 16)], protocols[i % 5], null, null, null,
            at, at, ReportSource.Local, null, null));
    }

    Console.WriteLine($"loaded {index.Count:N0} addresses in-process in {load.Elapsed.TotalSeconds:F1} s");
    // The STIX publisher turns the new addresses into TAXII indicators in the background; let it finish first, as a
    // running server would have, so its work is not counted against the blocklists.
    var publish = Stopwatch.StartNew();
    await app.Services.GetRequiredService<Palisade.Core.Stix.StixPublisher>().CatchUpAsync(CancellationToken.None);
    Console.WriteLine($"STIX publisher caught up in {publish.Elapsed.TotalSeconds:F1} s");
    using var client = new HttpClient { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromMinutes(5) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

    Collect();
    var baseline = Environment.WorkingSet;
    var baselineManaged = GC.GetTotalMemory(true);
    long peak = baseline;
    long steadyPeak = 0;
    long phasePeak = 0;
    var phaseAllocated = GC.GetTotalAllocatedBytes();
    int phaseGen0 = GC.CollectionCount(0), phaseGen1 = GC.CollectionCount(1), phaseGen2 = GC.CollectionCount(2);
    using var sampler2 = Environment.GetEnvironmentVariable("BENCH_ALLOC_PROFILE") == "1" ? new Palisade.Bench.Blocklist.AllocationSampler() : null;
    void Mark(string phase)
    {
        if (sampler2 is not null)
        {
            Console.WriteLine($"    [allocations] {phase}: {sampler2.TakeTop(8)}");
        }

        Console.WriteLine($"    [memory] {phase}: RSS {(Environment.WorkingSet - baseline) / 1e6:+0;-0} MB over the baseline, peak in this step {(phasePeak - baseline) / 1e6:+0;-0} MB, " +
                          $"managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1e6:F0} MB, allocated {(GC.GetTotalAllocatedBytes() - phaseAllocated) / 1e6:F0} MB, " +
                          $"GCs {GC.CollectionCount(0) - phaseGen0}/{GC.CollectionCount(1) - phaseGen1}/{GC.CollectionCount(2) - phaseGen2}");
        phasePeak = 0;
        phaseAllocated = GC.GetTotalAllocatedBytes();
        (phaseGen0, phaseGen1, phaseGen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            var rss = Environment.WorkingSet;
            peak = Math.Max(peak, rss);
            steadyPeak = Math.Max(steadyPeak, rss);
            phasePeak = Math.Max(phasePeak, rss);
            await Task.Delay(2);
        }
    });

    // Control: what the runtime takes back after the aggressive collection when the server does anything at all
    // (thread pool, Kestrel buffers, the GC's own allocation budget), measured with 5,000 checks and no blocklist.
    for (var i = 0; i < 5_000; i++)
    {
        using var check = await client.GetAsync("/v1/key/check/45.33.32." + (i % 250 + 1).ToString(inv));
    }

    Mark("control: 5,000 checks, no blocklist");

    const string plain = "/v1/key/blacklist?scoreMinimum=0&plaintext=true";
    const string json = "/v1/key/blacklist?scoreMinimum=0";
    var (firstMs, plainBytes) = await Download(client, plain);
    Console.WriteLine($"first plaintext (snapshot build with every score computed, render, send): {firstMs:F0} ms, {plainBytes / 1e6:F1} MB");
    var afterFirstManaged = GC.GetTotalMemory(true);
    Console.WriteLine($"  managed memory held after the first list (snapshot, rankings, slot map, cached pieces): {(afterFirstManaged - baselineManaged) / 1e6:F0} MB; " +
                      $"RSS now {(Environment.WorkingSet - baseline) / 1e6:F0} MB over the baseline, peak so far {(peak - baseline) / 1e6:F0} MB");
    var steadyBase = Environment.WorkingSet;
    steadyPeak = steadyBase;
    Mark("first plaintext");
    var cachedPlain = await Median(client, plain, 15);
    Console.WriteLine($"cached plaintext download: median {cachedPlain:F1} ms ({plainBytes / 1e6:F1} MB)");

    Mark("cached plaintext downloads");
    var (firstJsonMs, jsonBytes) = await Download(client, json);
    Console.WriteLine($"first JSON, identity encoding (over the cache budget: rendered while sending): {firstJsonMs:F0} ms, {jsonBytes / 1e6:F1} MB");
    Mark("first identity JSON");
    var cachedJson = await Median(client, json, 5);
    Console.WriteLine($"JSON, identity encoding, again: median {cachedJson:F1} ms ({cachedJson / cachedPlain:F2}x plaintext)");

    // As SikkerAPI's Go client asks for it: Accept-Encoding: gzip, decoded by the client. Timed twice: bytes received
    // (what the server and the wire cost) and received + decompressed (what the client waits for in all).
    Mark("identity JSON downloads");
    var (firstGzipMs, gzipBytes, gzipDecoded) = await DownloadGzip(client, json, decode: true);
    Console.WriteLine($"first gzipped JSON (render + compress + send + decode): {firstGzipMs:F0} ms, {gzipBytes / 1e6:F1} MB on the wire, {gzipDecoded / 1e6:F1} MB decoded");
    Mark("first gzipped JSON");
    var gzipWire = new List<double>();
    var gzipTotal = new List<double>();
    for (var i = 0; i < 15; i++)
    {
        gzipWire.Add((await DownloadGzip(client, json, decode: false)).Milliseconds);
        gzipTotal.Add((await DownloadGzip(client, json, decode: true)).Milliseconds);
    }

    Console.WriteLine($"cached gzipped JSON download: median {MedianOf(gzipWire):F1} ms received ({MedianOf(gzipWire) / cachedPlain:F2}x plaintext), " +
                      $"median {MedianOf(gzipTotal):F1} ms received and decoded ({MedianOf(gzipTotal) / cachedPlain:F2}x plaintext)");

    Mark("gzipped JSON downloads");
    // Regeneration after a change: one new report, then the same request.
    var regenerate = new List<double>();
    var rebuild = new List<double>();
    var render = new List<double>();
    var etags = new List<double>();
    var jsonRegenerate = new List<double>();
    int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
    var pause = GC.GetTotalPauseDuration();
    for (var round = 0; round < 7; round++)
    {
        var at = clock.UtcNow;
        index.Apply(new StoredReport(count + 10 + round, "45.33.32." + (10 + round).ToString(inv), 1, ReporterKind.Community, 1.0, [1], "ssh", null, null, null,
            at, at, ReportSource.Local, null, null));
        var (ms, _) = await Download(client, plain);
        regenerate.Add(ms);

        // The same steps in-process, timed apart.
        index.Apply(new StoredReport(count + 100 + round, "45.33.33." + (10 + round).ToString(inv), 1, ReporterKind.Community, 1.0, [1], "ssh", null, null, null,
            at, at, ReportSource.Local, null, null));
        var watch = Stopwatch.StartNew();
        var selection = engine.Select(new BlocklistQuery { ScoreMinimum = 0 });
        rebuild.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        _ = selection.ETag;
        etags.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        engine.Render(selection, BlocklistFormat.Plaintext);
        render.Add(watch.Elapsed.TotalMilliseconds);

        // And the gzipped JSON after a change (render + compress + send, not decoded).
        index.Apply(new StoredReport(count + 200 + round, "45.33.34." + (10 + round).ToString(inv), 1, ReporterKind.Community, 1.0, [1], "ssh", null, null, null,
            at, at, ReportSource.Local, null, null));
        jsonRegenerate.Add((await DownloadGzip(client, json, decode: false)).Milliseconds);
    }

    Mark("regeneration rounds");
    var pauses = GC.GetTotalPauseDuration() - pause;

    Console.WriteLine($"after one new report, plaintext download (rebuild + render + send): median {MedianOf(regenerate):F0} ms");
    Console.WriteLine($"  of which snapshot rebuild + select: median {MedianOf(rebuild):F1} ms, ETag: median {MedianOf(etags):F1} ms, plaintext render: median {MedianOf(render):F1} ms");
    Console.WriteLine($"after one new report, gzipped JSON download (rebuild + render + compress + send): median {MedianOf(jsonRegenerate):F0} ms");
    Console.WriteLine($"  GCs during those 7 rounds: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}; " +
                      $"total pause {pauses.TotalMilliseconds:F0} ms");

    sampling.Cancel();
    await sampler;
    Collect();
    Console.WriteLine($"memory after the first list: peak {(steadyPeak - steadyBase) / 1e6:F0} MB above the level the first list left");
    Console.WriteLine($"memory: baseline RSS {baseline / 1e6:F0} MB with the index loaded; peak growth while serving {(peak - baseline) / 1e6:F0} MB; " +
                      $"retained managed growth after GC {(GC.GetTotalMemory(true) - baselineManaged) / 1e6:F0} MB");
    await app.StopAsync();
    await app.DisposeAsync();
}
finally
{
    Directory.Delete(data, recursive: true);
}

static void Collect()
{
    // Aggressive: compacts and gives freed memory back to the OS now, so RSS does not keep falling after the baseline is
    // taken (the publisher's catch-up leaves garbage the runtime would otherwise decommit slowly).
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect();
}

static async Task<(double Milliseconds, long Bytes)> Download(HttpClient client, string path)
{
    var watch = Stopwatch.StartNew();
    using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync();
    var buffer = new byte[256 * 1024];
    long total = 0;
    int read;
    while ((read = await body.ReadAsync(buffer)) > 0)
    {
        total += read;
    }

    return (watch.Elapsed.TotalMilliseconds, total);
}

static async Task<(double Milliseconds, long WireBytes, long DecodedBytes)> DownloadGzip(HttpClient client, string path, bool decode)
{
    var watch = Stopwatch.StartNew();
    using var request = new HttpRequestMessage(HttpMethod.Get, path);
    request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    var wire = response.Content.Headers.ContentLength ?? -1;
    if (!response.Content.Headers.ContentEncoding.Contains("gzip"))
    {
        throw new InvalidOperationException("the server did not gzip the JSON list");
    }

    await using var body = await response.Content.ReadAsStreamAsync();
    await using var source = decode ? new GZipStream(body, CompressionMode.Decompress) : body;
    var buffer = new byte[256 * 1024];
    long total = 0;
    int read;
    while ((read = await source.ReadAsync(buffer)) > 0)
    {
        total += read;
    }

    return (watch.Elapsed.TotalMilliseconds, wire, total);
}

static async Task<double> Median(HttpClient client, string path, int rounds)
{
    var times = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        times.Add((await Download(client, path)).Milliseconds);
    }

    return MedianOf(times);
}

static double MedianOf(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

static void BenchGeo(string folder)
{
    var open = Stopwatch.StartNew();
    var geo = GeoDatabase.Open(folder);
    Console.WriteLine($"geo: opened {folder} in {open.ElapsedMilliseconds} ms ({string.Join(", ", geo.Data.Sources.Select(s => s.Kind + " " + s.Format))})");
    var random = new Random(42);
    var addresses = new IPAddress[200_000];
    for (var i = 0; i < addresses.Length; i++)
    {
        addresses[i] = i % 5 == 4
            ? new IPAddress([0x2a, 0x00, (byte)random.Next(256), (byte)random.Next(256), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
            : new IPAddress((uint)random.Next(0x01000000, 0x7F000000));
    }

    // Warm-up: each distinct record is decoded once, then answered from the cache.
    foreach (var address in addresses)
    {
        geo.Lookup(address);
    }

    var found = 0;
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var watch = Stopwatch.StartNew();
    for (var round = 0; round < 5; round++)
    {
        foreach (var address in addresses)
        {
            if (geo.Lookup(address) is not null)
            {
                found++;
            }
        }
    }

    watch.Stop();
    var lookups = addresses.Length * 5;
    var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    Console.WriteLine($"geo: {lookups:N0} lookups (80 % IPv4, 20 % IPv6; {found * 100.0 / lookups:F0} % known): {watch.Elapsed.TotalMilliseconds * 1e6 / lookups:F0} ns/lookup, " +
                      $"{(double)allocated / lookups:F2} bytes allocated per lookup");
    (geo as IDisposable)?.Dispose();
}
