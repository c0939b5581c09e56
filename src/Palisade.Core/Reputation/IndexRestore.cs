using Palisade.Core.Reports;
using Palisade.Core.Storage;
using Palisade.Core.Time;

namespace Palisade.Core.Reputation;

/// <summary>
/// Start-up of the reputation index: from a snapshot plus the reports stored after it when the snapshot can be trusted,
/// otherwise from every stored report. A snapshot is trusted only when it is intact, younger than the report retention,
/// names a last report the store holds (same id, address and received time: not another database, not a restored
/// backup), and, once caught up, holds exactly as many reports as the store: anything else rebuilds from the store.
/// </summary>
/// <param name="replayOverlap">Reports received this long before the snapshot was written are replayed too (skipped when
/// already held), and withdrawals as old re-read: with several nodes, a report another node stored with a lower id may
/// have reached this node only after the snapshot. Zero for a single node, whose ids follow its own commits.</param>
public sealed class IndexRestore(IReportStore store, ReputationIndex index, IClock clock, TimeSpan replayOverlap)
{

    /// <summary>How a start went.</summary>
    /// <param name="FromSnapshot">The snapshot was used.</param>
    /// <param name="Reason">Why it was not (null when it was).</param>
    /// <param name="Snapshot">What the snapshot said about itself, when it could be read.</param>
    /// <param name="Replayed">Reports applied from the store: after the snapshot, or all of them.</param>
    /// <param name="Reloaded">Addresses re-read because reports of them were withdrawn after the snapshot.</param>
    /// <param name="Phases">Milliseconds spent reading the snapshot, catching up with the store and comparing with it.</param>
    /// <param name="AcceptedByKey">The retained reports per key, counted as the snapshot was read, when it was adopted as
    /// written (nothing replayed or re-read, the same count of reports as the store): what the store would count once its
    /// purge has run, without a scan of every report. Null otherwise (count them in the store).</param>
    public sealed record Outcome(bool FromSnapshot, string? Reason, IndexSnapshot.Header? Snapshot, long Replayed, int Reloaded, string Phases = "",
        IReadOnlyDictionary<long, long>? AcceptedByKey = null);

    /// <summary>Loads the index from <paramref name="snapshot"/> (null: none) and the store, or from the store alone.</summary>
    public async Task<Outcome> LoadAsync(Stream? snapshot, CancellationToken cancellationToken)
    {
        // The reports retained: those reported at or after this (one cut-off for reading, replaying and counting).
        var from = clock.UtcNow.AddDays(-index.Options.ReportRetentionDays);
        if (snapshot is not null)
        {
            IndexSnapshot.Contents? contents = null;
            var accepted = new Dictionary<long, long>();
            string reason;
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                long read;
                using (CollectionPause.Begin(snapshot.CanSeek ? snapshot.Length : 0))
                {
                    // Each address feeds the index's username, e-mail and /64 views as it is read (undone by Reset below
                    // if the snapshot is not adopted after all).
                    contents = IndexSnapshot.Read(snapshot, from, clock.UtcNow - ReportLimits.DuplicateWindow, entry =>
                    {
                        index.CountAdopted(entry);
                        CountReportsByKey(accepted, entry);
                    });
                    read = watch.ElapsedMilliseconds;
                    reason = await TryAdoptAsync(contents, from, cancellationToken) ?? "";
                }

                if (reason.Length == 0)
                {
                    var adopted = watch.ElapsedMilliseconds;
                    var (replayed, reloaded) = await CatchUpAsync(contents.Header, from, cancellationToken);
                    var caughtUp = watch.ElapsedMilliseconds;
                    // Nothing replayed or re-read: the index holds what was read, counted then; else count it again.
                    var held = replayed == 0 && reloaded == 0 ? contents.ReportsKept : (long?)null;
                    reason = await CompareWithStoreAsync(from, held, cancellationToken) ?? "";
                    if (reason.Length == 0)
                    {
                        index.Reporters.RestoreRecords(contents.Records);
                        var phases = $"read {read} ms, adopted {adopted - read} ms, caught up {caughtUp - adopted} ms, compared {watch.ElapsedMilliseconds - caughtUp} ms";
                        return new Outcome(true, null, contents.Header, replayed, reloaded, phases, held is null ? null : accepted);
                    }
                }

                index.Reset();
            }
            catch (InvalidDataException ex)
            {
                reason = ex.Message;
                index.Reset();
            }

            return new Outcome(false, reason, contents?.Header, await LoadAllAsync(from, cancellationToken), 0);
        }

        return new Outcome(false, null, null, await LoadAllAsync(from, cancellationToken), 0);
    }

    // A report's facts (one per category) are adjacent, so each run of one report id is one report of its key.
    private static void CountReportsByKey(Dictionary<long, long> counts, AddressReputation entry)
    {
        var last = long.MinValue;
        foreach (var fact in entry.Facts)
        {
            if (fact.ReportId != last)
            {
                last = fact.ReportId;
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, fact.KeyId, out _)++;
            }
        }
    }

    private async Task<long> LoadAllAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        long loaded = 0;
        await foreach (var report in store.LoadSinceAsync(from, cancellationToken))
        {
            index.Apply(report);
            loaded++;
        }

        return loaded;
    }

    // Null when the snapshot was adopted, else why not.
    private async Task<string?> TryAdoptAsync(IndexSnapshot.Contents contents, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var header = contents.Header;
        var now = clock.UtcNow;
        if (header.WrittenAt < from || header.WrittenAt > now + ReportLimits.FutureSkew)
        {
            return $"it was written at {header.WrittenAt:u}, outside the retention (now {now:u})";
        }

        StoredReport? last = null;
        if (header.LastReportId > 0)
        {
            last = await store.LoadByIdsAsync([header.LastReportId], cancellationToken) is [var found, ..] ? found : null;
            if (last is null || last.Address != header.LastReportAddress || last.ReceivedAt.ToUnixTimeMilliseconds() != header.LastReportReceivedAtMs)
            {
                return $"its last report (id {header.LastReportId}) is not in this store as it was: another database, a restored backup, or withdrawn";
            }
        }

        index.Adopt(contents.Addresses, contents.Protocols, last, counted: true);
        return null;
    }

    // The reports stored after the snapshot, and the addresses whose reports were withdrawn since.
    private async Task<(long Replayed, int Reloaded)> CatchUpAsync(IndexSnapshot.Header header, DateTimeOffset from, CancellationToken cancellationToken)
    {
        long replayed = 0;
        await foreach (var report in store.LoadForReplayAsync(header.LastReportId, header.WrittenAt - replayOverlap, from, cancellationToken))
        {
            replayed += index.ApplyRemote(report) ? 1 : 0;
        }

        var reloaded = 0;
        foreach (var address in await store.LoadClearedAddressesAsync(header.WrittenAt - replayOverlap, cancellationToken))
        {
            var reports = (await store.LoadByAddressAsync(address, cancellationToken)).Where(r => r.ReportedAt >= from).ToList();
            index.Reload(address, reports, noteWithdrawals: false); // counted by the process that took the withdrawal
            reloaded++;
        }

        return (replayed, reloaded);
    }

    // Null when the index holds as many retained reports as the store (up to the last one applied), else the difference.
    private async Task<string?> CompareWithStoreAsync(DateTimeOffset from, long? counted, CancellationToken cancellationToken)
    {
        var held = counted ?? 0;
        if (counted is null)
        {
            foreach (var entry in index.Addresses)
            {
                held += entry.TotalReports;
            }
        }

        var stored = await store.CountRetainedAsync(from, index.LastApplied?.Id ?? 0, cancellationToken);
        return held == stored ? null : $"caught up, it holds {held} reports where the store holds {stored}";
    }

    /// <summary>
    /// No garbage collection while a snapshot is read and adopted. Nearly everything that allocates lives on (per address
    /// an entry, its facts, its address text; then the table), so a collection during it finds no garbage and only copies
    /// survivors from one generation to the next: at a million addresses the read took 2.8 s with collections and 1.7 s
    /// without (docs/performance.md "Restart"). The budget is a multiple of the snapshot's size (79 bytes per address on
    /// disk, about 260 in memory); if the read needs more, collections resume by themselves. Process-wide, so one read at a
    /// time (others, e.g. tests running side by side, read without it), and only for snapshots large enough to matter.
    /// </summary>
    private sealed class CollectionPause : IDisposable
    {
        private const long MinimumSnapshot = 4 << 20;
        private const int BytesPerSnapshotByte = 5;
        private static int s_active;

        public static CollectionPause? Begin(long snapshotBytes)
        {
            if (snapshotBytes < MinimumSnapshot || Interlocked.CompareExchange(ref s_active, 1, 0) != 0)
            {
                return null;
            }

            try
            {
                if (GC.TryStartNoGCRegion(snapshotBytes * BytesPerSnapshotByte))
                {
                    return new CollectionPause();
                }
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
            {
                // More than the collector can set aside in one go, or another region is open: read with collections.
            }

            Volatile.Write(ref s_active, 0);
            return null;
        }

        public void Dispose()
        {
            try
            {
                if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                {
                    GC.EndNoGCRegion();

                    // What the read allocated is all in gen0 and all alive; left there, the collections that move it to
                    // gen2 come once the server listens (a gen1 of ~100 ms at a million addresses stalled the first
                    // TAXII page). Two blocking collections move it now, in the start (each promotes one generation).
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
                }
            }
            catch (InvalidOperationException)
            {
                // The budget ran out and a collection ended the region already.
            }
            finally
            {
                Volatile.Write(ref s_active, 0);
            }
        }
    }
}
