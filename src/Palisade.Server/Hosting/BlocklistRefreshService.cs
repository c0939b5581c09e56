using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Server.Native;

namespace Palisade.Server.Hosting;

/// <summary>
/// Rescores every address at each turn of the score refresh interval (decaying scores move without new data) while
/// reads keep the previous turn's scores, then updates the blocklist snapshot with the addresses whose score moved, so no
/// firewall or bouncer waits while every address is scored again; and builds the first
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
            _loads.FirstBuildDone();
            _loads.Done();
            return;
        }

        try
        {
            // The first full build as soon as the server listens (the index is loaded: the engine loader started before
            // this service): the first list a firewall asks for after a restart is then served from it instead of waiting
            // for a build over every address (seconds at a million). On a thread of lower priority: lists asked for
            // meanwhile wait for it (without holding a thread: BlocklistEngine.SelectAsync), but every other first read
            // keeps the core. At normal priority the build was done sooner (15-18 s instead of 19-26 s at ten million)
            // while the first TAXII page took 123-168 ms instead of 81-100 (docs/performance.md "Session 24").
            try
            {
                await BackgroundThread.ListeningAsync(lifetime, stoppingToken);
                await BackgroundThread.Run("First blocklist build", () =>
                {
                    BackgroundThread.Yield();
                    BuildFirst();
                    return Task.CompletedTask;
                });
            }
            finally
            {
                _loads.FirstBuildDone();
                _loads.Done();
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.UtcNow;
                var turn = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
                var wait = turn - now - AnnounceLead;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait > interval * 2 ? interval : wait, stoppingToken);
                }

                if (clock.UtcNow < turn - AnnounceLead - TimeSpan.FromSeconds(1) || clock.UtcNow >= turn + interval)
                {
                    continue; // the clock moved (a suspended machine, a test's clock): plan the next turn again
                }

                await RefreshAfterTurnAsync(turn, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>How long before a turn the engine is told of it: a read in the turn's first moments, before this service's
    /// thread is scheduled, would otherwise score every address itself.</summary>
    private static readonly TimeSpan AnnounceLead = TimeSpan.FromMilliseconds(250);

    // On threads of their own: on a thread-pool thread of a one-core server the work held the pool's only worker until
    // the pool added another (~0.5 s in which no request was answered: the ingest benchmark's p99 went from 12 to 587 ms
    // in the round holding a turn, docs/performance.md "Session 22"). Every address is scored at a lower priority while
    // reads keep the previous turn's scores (the engine was told of the turn before it came); the build of the addresses
    // whose score moved then runs at normal priority, as a read asked for meanwhile waits for it.
    private async Task RefreshAfterTurnAsync(DateTimeOffset turn, CancellationToken stoppingToken)
    {
        engine.AnnounceTurn(turn);
        try
        {
            // Until the turn has come (waiting a second at most: a test's clock may stand still), so that the loop plans
            // the next turn, not this one again.
            for (var tries = 0; clock.UtcNow < turn; tries++)
            {
                if (tries > 20)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
            }

            if (!engine.HasSnapshot)
            {
                return; // nothing built yet (the first build failed): the next read builds in full
            }

            var started = Stopwatch.GetTimestamp();
            var (scored, moved) = (0, 0);
            await BackgroundThread.Run("Score turn", () =>
            {
                BackgroundThread.Yield();
                (scored, moved) = engine.ScoreTurn();
                return Task.CompletedTask;
            });
            var scoring = Stopwatch.GetElapsedTime(started);
            await BackgroundThread.Run("Blocklist refresh", () =>
            {
                engine.CompleteTurn();
                return Task.CompletedTask;
            });
            logger.LogInformation("Score turn: {Addresses} addresses scored in {Scoring} ms ({Moved} moved), blocklist snapshot built in {Building} ms",
                scored, (long)scoring.TotalMilliseconds, moved, (long)(Stopwatch.GetElapsedTime(started) - scoring).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Refreshing the scores failed; the next request scores what it needs");
        }
        finally
        {
            engine.CancelTurn();
        }
    }

    private void BuildFirst()
    {
        try
        {
            var started = Stopwatch.StartNew();
            engine.Current();
            var list = BlacklistApi.RenderFullPlaintext(engine).Rendered;
            savedList.Release();
            logger.LogInformation("First blocklist snapshot built and its full plaintext list ({Addresses} addresses) rendered in {Elapsed} ms",
                list.Count, started.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Building the first blocklist snapshot failed; the next request builds it");
        }
    }
}
