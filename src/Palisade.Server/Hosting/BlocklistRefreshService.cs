using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Native;

namespace Palisade.Server.Hosting;

/// <summary>
/// Rebuilds the blocklist snapshot just after each score refresh interval turns (decaying scores move without new data),
/// so the first firewall to pull after the turn does not wait while every address is scored again; and builds the first
/// one as soon as the engine is loaded, beside the rest of the start, and renders the full plaintext list from it
/// (<see cref="BlacklistApi.RenderFullPlaintext"/>), so the first pull after a restart is only sent (≈ 90 MB of
/// snapshot and 13 MB of text at a million listed addresses, docs/performance.md "Blocklists").
/// </summary>
internal sealed class BlocklistRefreshService(BlocklistEngine engine, ReputationIndex index, IClock clock, StartupLoads loads, SavedFullList savedList,
    IHostApplicationLifetime lifetime, ILogger<BlocklistRefreshService> logger) : BackgroundService
{
    private readonly StartupLoads _loads = loads.Begin();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = index.Options.ScoreRefreshInterval;
        if (interval <= TimeSpan.Zero)
        {
            _loads.Done();
            return;
        }

        try
        {
            // The first full build as soon as the server listens (the index is loaded: the engine loader started before
            // this service): the first list a firewall asks for after a restart is then served from it instead of waiting
            // for a build over every address (seconds at a million). On a thread of lower priority: on a shared core the
            // first checks and /healthz waited ~0.5 s longer behind it at normal priority (docs/performance.md "Restart").
            // A list asked for while it runs waits for it (the build gate), as any list waits for a build; with the core
            // idle otherwise, the build runs as fast as before.
            try
            {
                await BackgroundThread.ListeningAsync(lifetime, stoppingToken);
                await BackgroundThread.Run("First blocklist build", () =>
                {
                    BackgroundThread.Yield();
                    Refresh(first: true);
                    return Task.CompletedTask;
                });
            }
            finally
            {
                _loads.Done();
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.UtcNow;
                var turn = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
                var wait = turn - now + TimeSpan.FromSeconds(1);
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > interval * 2 ? interval : wait, stoppingToken);
                await RefreshAfterTurnAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // On threads of their own: the build takes seconds at a million addresses, and on a thread-pool thread of a one-core
    // server it held the pool's only worker until the pool added another (~0.5 s in which no request was answered: the
    // ingest benchmark's p99 went from 12 to 587 ms in the round holding a turn, docs/performance.md "Session 22"). Every
    // address is scored again first, at a lower priority (requests take the core first); the build then reads cached
    // scores at normal priority, as a list asked for meanwhile waits for it.
    private async Task RefreshAfterTurnAsync()
    {
        if (!engine.HasSnapshot)
        {
            return;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var scored = 0;
            await BackgroundThread.Run("Score refresh", () =>
            {
                BackgroundThread.Yield();
                scored = index.RefreshScores();
                return Task.CompletedTask;
            });
            var scoring = Stopwatch.GetElapsedTime(started);
            await BackgroundThread.Run("Blocklist refresh", () =>
            {
                Refresh(first: false);
                return Task.CompletedTask;
            });
            logger.LogInformation("Scores refreshed ({Addresses} addresses) in {Scoring} ms, blocklist snapshot rebuilt in {Building} ms",
                scored, (long)scoring.TotalMilliseconds, (long)(Stopwatch.GetElapsedTime(started) - scoring).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Refreshing the scores failed; the next request scores what it needs");
        }
    }

    private void Refresh(bool first)
    {
        if (!first && !engine.HasSnapshot)
        {
            return;
        }

        try
        {
            var started = Stopwatch.StartNew();
            engine.Current();
            if (first)
            {
                var list = BlacklistApi.RenderFullPlaintext(engine).Rendered;
                savedList.Release();
                logger.LogInformation("First blocklist snapshot built and its full plaintext list ({Addresses} addresses) rendered in {Elapsed} ms",
                    list.Count, started.ElapsedMilliseconds);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Refreshing the blocklist snapshot failed; the next request rebuilds it");
        }
    }
}
