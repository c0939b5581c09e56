using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.IO;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Native;

namespace Palisade.Server.Hosting;

/// <summary>
/// The index snapshot file, <c>index.snapshot</c> in the data directory (each node of a cluster keeps its own): read at
/// start (<see cref="EngineLoader"/>), written whole to a temporary file, flushed to disk and renamed over the previous
/// one, so a crash while writing leaves the previous snapshot, and any snapshot is whole or refused by its checksum.
/// </summary>
internal sealed class IndexSnapshotFile(PalisadeOptions options, ReputationIndex index, IClock clock, ILogger<IndexSnapshotFile> logger) : IDisposable
{
    public const string FileName = "index.snapshot";

    private readonly SemaphoreSlim _writing = new(1, 1);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetFullPath(options.DataDirectory), FileName);

    /// <summary>Off when <c>Palisade:Reputation:SnapshotInterval</c> is zero.</summary>
    public bool Enabled => options.Reputation.SnapshotInterval > TimeSpan.Zero;

    /// <summary>The index version the snapshot on disk matches (-1: none does).</summary>
    public long WrittenVersion { get; private set; } = -1;

    /// <summary>What the snapshot on disk says about itself, when it matches <see cref="WrittenVersion"/>.</summary>
    public IndexSnapshot.Header? WrittenHeader { get; private set; }

    /// <summary>Records that the snapshot on disk (<paramref name="header"/>) holds the index at <paramref name="version"/>.</summary>
    public void Matches(long version, IndexSnapshot.Header header) => (WrittenVersion, WrittenHeader) = (version, header);

    /// <summary>The snapshot to start from, or null (none, or snapshots are off).</summary>
    public FileStream? OpenForReading()
        => Enabled && File.Exists(Path)
            ? new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan)
            : null;

    public void Dispose() => _writing.Dispose();

    /// <summary>Writes the index when it changed since the snapshot on disk.</summary>
    public async Task WriteIfChangedAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var version = index.Version;
            if (version == WrittenVersion)
            {
                return;
            }

            var started = Stopwatch.StartNew();
            IndexSnapshot.Header header = default!;
            // The snapshot buffers its own writes: the file stream does not (buffer size 1).
            // On a thread of its own, not the pool's: about a second at a million addresses, during which a one-core
            // server's only pool worker answered nothing (BlocklistRefreshService).
            await AtomicFile.WriteAsync(Path, (file, _) => BackgroundThread.Run("Index snapshot", () =>
            {
                header = IndexSnapshot.Write(index, file, clock.UtcNow);
                return Task.CompletedTask;
            }), cancellationToken, bufferSize: 1);

            Matches(version, header);
            logger.LogInformation("Index snapshot written: {Addresses} addresses, {Reports} reports, {Bytes} bytes in {Elapsed} ms",
                header.Addresses, header.Reports, new FileInfo(Path).Length, started.ElapsedMilliseconds);
        }
        finally
        {
            _writing.Release();
        }
    }
}

/// <summary>Writes the index snapshot every <c>Palisade:Reputation:SnapshotInterval</c> when it changed (a minute after a
/// start that had to load from the store), and once more at shutdown, so a planned restart replays nothing.</summary>
internal sealed class IndexSnapshotService(IndexSnapshotFile snapshot, PalisadeOptions options, ReputationIndex index, BlocklistEngine engine,
    SavedFullList savedList, IWhitelistStore whitelistStore, ILogger<IndexSnapshotService> logger) : BackgroundService
{
    private static readonly TimeSpan AfterFullLoad = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!snapshot.Enabled)
        {
            return;
        }

        var interval = options.Reputation.SnapshotInterval;
        var wait = snapshot.WrittenVersion < 0 && AfterFullLoad < interval ? AfterFullLoad : interval;
        try
        {
            while (true)
            {
                await Task.Delay(wait, stoppingToken);
                wait = interval;
                try
                {
                    await snapshot.WriteIfChangedAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(ex, "The index snapshot could not be written to {Path}; retrying in {Interval}", snapshot.Path, interval);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!snapshot.Enabled)
        {
            return;
        }

        try
        {
            await snapshot.WriteIfChangedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            logger.LogWarning(ex, "The index snapshot could not be written at shutdown; the next start replays from the previous one");
            return;
        }

        await SaveFullListAsync(cancellationToken);
    }

    // The full list as the snapshot just written holds the index (rendered already unless it changed since the last
    // pull), for the next start to serve until its first build is done.
    private async Task SaveFullListAsync(CancellationToken cancellationToken)
    {
        var version = index.Version;
        if (snapshot.WrittenVersion != version || snapshot.WrittenHeader is not { } header || !engine.HasSnapshot)
        {
            return;
        }

        try
        {
            var started = Stopwatch.StartNew();
            var (selection, list) = BlacklistApi.RenderFullPlaintext(engine);
            if (index.Version != version)
            {
                return;
            }

            await savedList.SaveAsync(list, selection.Cursor, selection.Total, header, await whitelistStore.ListAsync(cancellationToken), cancellationToken);
            logger.LogInformation("Full list saved for the next start: {Addresses} addresses in {Elapsed} ms", list.Count, started.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            logger.LogWarning(ex, "The full list could not be saved at shutdown; the first list after the next start waits for its build");
        }
    }
}
