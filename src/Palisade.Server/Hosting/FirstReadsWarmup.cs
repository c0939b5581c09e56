using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Palisade.Core.Blocklists;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Stix;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Native;
using Palisade.Server.Taxii;

namespace Palisade.Server.Hosting;

/// <summary>
/// Answers the two reads that come first after a restart — a SIEM's first TAXII page and a firewall's full plaintext
/// list (<see cref="SavedFullList"/>) — once inside the process, before the server listens, and drops the answers: the
/// first real request then finds its path compiled and the store's pages read, instead of paying for both on a core
/// that the start-up loads share (issue 15: both within 100 ms after a restart at a million addresses).
/// </summary>
/// <remarks>
/// The handlers run as a request would reach them past the access filter, with an access context of a key that exists
/// nowhere and a quota counter of their own: nothing is charged, written or kept. The list is warmed only while the
/// saved list is served (otherwise the first list waits for the first build, which renders it beside the start).
/// Registered after the engine loader and the TAXII publisher's service (hosted services start in order, all before the
/// server listens).
/// </remarks>
internal sealed class FirstReadsWarmup(IServiceProvider services, BlocklistEngine engine, SavedFullList savedList, ILogger<FirstReadsWarmup> logger)
    : IHostedService
{
    private static readonly AuthenticatedKey Nobody = new(
        new ApiKey(0, "first-reads-warm-up", "enterprise", [], "", DateTimeOffset.UnixEpoch, null, new Dictionary<QuotaFamily, long>()),
        new Tier { Id = "enterprise", DisplayName = "warm-up" });

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        try
        {
            await TaxiiFirstPageAsync(cancellationToken);
            var taxii = started.ElapsedMilliseconds;
            var list = await FullListAsync(cancellationToken);
            logger.LogInformation("First reads warmed: TAXII first page {Taxii} ms, full list {List} ({Elapsed} ms, {Methods} methods compiled)",
                taxii, list ? "served from the saved list" : "not saved", started.ElapsedMilliseconds, System.Runtime.JitInfo.GetCompiledMethodCount() - jitted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(ex, "Warming the first reads failed; the first requests pay for it");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task TaxiiFirstPageAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var http = Request(scope.ServiceProvider, QuotaFamily.Taxii, new Dictionary<string, StringValues> { ["limit"] = "1" });
        var provider = scope.ServiceProvider;
        var result = await TaxiiApi.Objects(TaxiiCollections.AllAddresses.Id, http, provider.GetRequiredService<TaxiiPageRequestParser>(),
            provider.GetRequiredService<StixPublisher>(), provider.GetRequiredService<ITaxiiStore>(), provider.GetRequiredService<TaxiiCursorCodec>(),
            new InMemoryQuotaCounter(), provider.GetRequiredService<IClock>());
        await result.ExecuteAsync(http);
    }

    private async Task<bool> FullListAsync(CancellationToken cancellationToken)
    {
        if (savedList.Current(engine) is null)
        {
            return false;
        }

        await using var scope = services.CreateAsyncScope();
        var http = Request(scope.ServiceProvider, QuotaFamily.Blacklist,
            new Dictionary<string, StringValues> { ["scoreMinimum"] = "0", ["plaintext"] = "true" });
        var result = await BlacklistApi.Blacklist(http, engine, new InMemoryQuotaCounter(), scope.ServiceProvider.GetRequiredService<IClock>(), savedList);
        await result.ExecuteAsync(http);
        return true;
    }

    private static DefaultHttpContext Request(IServiceProvider requestServices, QuotaFamily family, Dictionary<string, StringValues> query)
    {
        var http = new DefaultHttpContext { RequestServices = requestServices };
        http.Request.Method = HttpMethods.Get;
        http.Request.Protocol = "HTTP/1.1";
        http.Request.Query = new QueryCollection(query);
        http.Response.Body = Stream.Null;
        AccessContext.AttachNew(http, Nobody, family, null);
        return http;
    }
}
