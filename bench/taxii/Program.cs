// TAXII page speed at scale: seeds N scored addresses into a real server (SQLite in a temp folder), lets the STIX
// publisher write its version log, then times GET objects?limit=1000 pages over loopback HTTP. Prints the figures.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Stix;
using Palisade.Core.Storage;
using Palisade.Server;

var addresses = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var pageSize = 1_000;
var dataDirectory = Path.Combine(Path.GetTempPath(), "palisade-taxii-bench-" + Guid.NewGuid().ToString("N")[..8]);
var app = PalisadeServer.Build(["--Logging:LogLevel:Default=Warning"], o => o.DataDirectory = dataDirectory, urls: ["http://127.0.0.1:0"]);
await app.StartAsync();
try
{
    var baseAddress = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    var keys = app.Services.GetRequiredService<IKeyStore>();
    async Task<string> CreateKeyAsync(string tier)
    {
        var secret = ApiKeySecrets.Generate(tier);
        await keys.CreateAsync(new ApiKey(0, "bench-" + tier, tier, ApiKeySecrets.Hash(secret), ApiKeySecrets.PrefixOf(secret),
            DateTimeOffset.UtcNow.AddDays(-60), null, new Dictionary<QuotaFamily, long>()), CancellationToken.None);
        return secret;
    }

    var sensor = (await app.Services.GetRequiredService<KeyRing>().AuthenticateAsync(await CreateKeyAsync("honeypot"), CancellationToken.None)).Key!;
    var reader = await CreateKeyAsync("enterprise");
    var reports = app.Services.GetRequiredService<ReportService>();
    string[] protocols = ["ssh", "telnet", "http", "smtp"];
    var seed = Stopwatch.StartNew();
    for (var start = 0; start < addresses; start += 1_000)
    {
        var batch = Enumerable.Range(start, Math.Min(1_000, addresses - start))
            .Select(i => new ReportSubmission($"{81 + (i / 62_500)}.{10 + (i / 250 % 250)}.{i / 250 / 250 % 250}.{1 + (i % 250)}", [1 + (i % 15)], protocols[i % 4]))
            .ToList();
        await reports.SubmitAsync(sensor, batch, CancellationToken.None);
    }

    var seeded = seed.Elapsed;
    var publish = Stopwatch.StartNew();
    await app.Services.GetRequiredService<StixPublisher>().CatchUpAsync(CancellationToken.None);
    var published = publish.Elapsed;

    using var client = new HttpClient { BaseAddress = new Uri(baseAddress) };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("bench:" + reader)));
    client.DefaultRequestHeaders.Accept.ParseAdd("application/taxii+json;version=2.1");
    const string objects = "/taxii2/palisade/collections/e5d8fafc-7b8d-5f7b-b413-1dacccabb811/objects/";

    // Warm-up (JIT, connection, page cache), then a full walk of the collection with next, page by page.
    for (var i = 0; i < 5; i++)
    {
        (await client.GetAsync(objects + "?limit=" + pageSize)).EnsureSuccessStatusCode();
    }

    var timings = new List<double>();
    var bytes = 0L;
    var total = 0;
    var url = objects + "?limit=" + pageSize;
    while (true)
    {
        var watch = Stopwatch.StartNew();
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        watch.Stop();
        response.EnsureSuccessStatusCode();
        timings.Add(watch.Elapsed.TotalMilliseconds);
        bytes += body.Length;
        using var document = JsonDocument.Parse(body);
        total += document.RootElement.TryGetProperty("objects", out var page) ? page.GetArrayLength() : 0;
        if (!document.RootElement.GetProperty("more").GetBoolean())
        {
            break;
        }

        url = objects + "?limit=" + pageSize + "&next=" + Uri.EscapeDataString(document.RootElement.GetProperty("next").GetString()!);
    }

    timings.Sort();
    double Percentile(double p) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(p * timings.Count) - 1)];
    Console.WriteLine(FormattableString.Invariant($"scored addresses:            {addresses:N0} (seeded in {seeded.TotalSeconds:F1} s)"));
    Console.WriteLine(FormattableString.Invariant($"initial publish (versions):  {published.TotalSeconds:F1} s"));
    Console.WriteLine(FormattableString.Invariant($"walk: {timings.Count} pages of {pageSize}, {total:N0} objects, {bytes / 1024.0 / 1024.0:F1} MiB"));
    Console.WriteLine(FormattableString.Invariant($"page of {pageSize} (HTTP round trip incl. body): p50 {Percentile(0.50):F1} ms, p95 {Percentile(0.95):F1} ms, max {timings[^1]:F1} ms"));
    Console.WriteLine(Percentile(0.95) < 100 ? "target (< 100 ms per page of 1,000): met at p95" : "target (< 100 ms per page of 1,000): MISSED at p95");
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(dataDirectory, recursive: true);
}
