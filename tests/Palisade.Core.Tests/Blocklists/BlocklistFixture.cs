using Palisade.Core.Blocklists;
using Palisade.Core.Geo;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>A real index and engine, with geo data from small CSV files written for the test.</summary>
internal sealed class BlocklistFixture : IDisposable
{
    private long _nextId;

    public BlocklistFixture(ReputationOptions? options = null)
    {
        GeoFolder = Directory.CreateTempSubdirectory("palisade-blocklist-test-").FullName;
        File.WriteAllText(Path.Combine(GeoFolder, "country-ipv4.csv"), "45.0.0.0,45.255.255.255,US\n80.0.0.0,80.255.255.255,DE\n");
        File.WriteAllText(Path.Combine(GeoFolder, "country-ipv6.csv"), "2a00::,2a00:ffff:ffff:ffff:ffff:ffff:ffff:ffff,DE\n");
        File.WriteAllText(Path.Combine(GeoFolder, "asn-ipv4.csv"), "45.0.0.0,45.255.255.255,64500,\"Example, Inc.\"\n80.0.0.0,80.255.255.255,64501,Beispiel GmbH\n");
        Geo = GeoDatabase.Open(GeoFolder);
        Whitelist = new WhitelistProvider(BuiltInWhitelist.Load());
        Index = new ReputationIndex(new ScoreCalculator(new ScoringOptions()), Whitelist, options ?? new ReputationOptions(), Clock);
        Engine = new BlocklistEngine(Index, Geo, Clock);
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    public string GeoFolder { get; }

    public IGeoLookup Geo { get; }

    public WhitelistProvider Whitelist { get; }

    public ReputationIndex Index { get; }

    public BlocklistEngine Engine { get; }

    /// <summary>Reports from <paramref name="reporters"/> distinct keys (more reporters, higher score).</summary>
    public void Report(string address, int category, string? protocol = null, int reporters = 1, TimeSpan? ago = null)
    {
        var at = Clock.UtcNow - (ago ?? TimeSpan.FromMinutes(5));
        for (var i = 0; i < reporters; i++)
        {
            var id = ++_nextId;
            Index.Apply(new StoredReport(id, address, 1000 + i, ReporterKind.Community, 1.0, [category], protocol, null, null, null, at, at,
                ReportSource.Local, null, null));
        }
    }

    /// <summary>One report on a random one of <paramref name="addresses"/> addresses (every seventh IPv6), with random
    /// reporter, kind, trust, category, protocol and age (up to 20 days).</summary>
    public void RandomReport(Random random, int addresses)
    {
        var a = random.Next(addresses);
        var address = a % 7 == 0 ? $"2a00:{a >> 16:x}:{a & 0xffff:x}::1" : $"45.{a / 60000}.{a / 250 % 240}.{(a % 250) + 1}";
        var at = Clock.UtcNow - TimeSpan.FromHours(random.NextDouble() * 24 * 20);
        Index.Apply(new StoredReport(++_nextId, address, random.Next(1, 6), random.Next(5) == 0 ? ReporterKind.Sensor : ReporterKind.Community,
            random.NextDouble() * 1.3, [random.Next(1, 17)], random.Next(3) == 0 ? "ssh" : null, null, null, null, at, at, ReportSource.Local, null, null));
    }

    public void Dispose()
    {
        (Geo as IDisposable)?.Dispose();
        Directory.Delete(GeoFolder, recursive: true);
    }
}
