using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>Puts reports into a running server through the engine's own report service, as a sensor would.</summary>
internal sealed class TaxiiTestData
{
    private readonly PalisadeHost _host;
    private readonly AuthenticatedKey _sensor;

    private TaxiiTestData(PalisadeHost host, AuthenticatedKey sensor)
    {
        _host = host;
        _sensor = sensor;
    }

    public static async Task<TaxiiTestData> CreateAsync(PalisadeHost host)
    {
        var secret = await host.CreateKeyAsync("honeypot");
        var check = await host.Service<KeyRing>().AuthenticateAsync(secret, CancellationToken.None);
        return new TaxiiTestData(host, check.Key!);
    }

    /// <summary>A public IPv4 address per index (81.x.y.z; never a documentation or whitelisted range).</summary>
    public static string Address(int i) => $"81.{10 + (i / 62_500)}.{i / 250 % 250}.{1 + (i % 250)}";

    public Task ReportAsync(string ip, int category = CategoryCatalog.BruteForce, string? protocol = "ssh")
        => ReportManyAsync([ip], category, protocol);

    public async Task ReportManyAsync(IReadOnlyList<string> ips, int category = CategoryCatalog.BruteForce, string? protocol = "ssh")
    {
        var service = _host.Service<ReportService>();
        foreach (var batch in ips.Chunk(1_000))
        {
            var result = await service.SubmitAsync(_sensor, [.. batch.Select(ip => new ReportSubmission(ip, [category], protocol))], CancellationToken.None);
            var failed = result.Results.FirstOrDefault(r => r.Outcome is ReportOutcomeKind.Rejected or ReportOutcomeKind.QuotaExceeded);
            Assert.True(failed is null, $"report refused: {failed?.Error}");
        }
    }
}
