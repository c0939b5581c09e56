using System.Collections.Concurrent;
using Palisade.Core.Addresses;
using Palisade.Core.Alerts;
using Palisade.Core.Categories;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Text;
using Palisade.Core.Time;

namespace Palisade.Core.Reports;

/// <summary>
/// Accepts reports: validates and scrubs them, answers duplicates, charges the report quota one unit per new report,
/// commits them to the store and only then applies them to the in-memory index — so a 2xx means the write is durable,
/// and scores are current when the response is sent.
/// </summary>
/// <remarks>
/// Group commit: concurrent submissions queue up while a transaction is in flight, and one writer takes everything
/// queued so far into the next transaction. A lone report still commits at once (no waiting window); under load, one
/// commit carries many callers' reports, so throughput grows with connections. Every caller of a group is answered only
/// after the group's commit; a failed commit fails every caller of that group and applies nothing. The writer lock
/// covers only the commit and the index update; notifying other nodes and the observer happens outside it.
/// </remarks>
public sealed class ReportService(IReportStore store, ReputationIndex index, IQuotaCounter quotas, IClock clock, IReportFeed feed,
    IReportObserver? observer = null, IReportFailureLog? failureLog = null) : IDisposable
{
    // A group stops growing at this many reports (a bulk upload of 10,000 rows is always taken whole).
    private const int MaxGroupReports = 20_000;

    // Commit + index apply (and a withdrawal's delete + reload) are serialised; SQLite has one writer anyway.
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _queueGate = new();
    private readonly List<PendingSubmission> _queue = [];
    private bool _draining;
    private readonly ConcurrentDictionary<long, long> _acceptedByKey = new();
    private Task _acceptedCountsSeeded = Task.CompletedTask;

    /// <summary>How long a report waits for the start's count of accepted reports before it is answered as the store
    /// being away (the count is retried meanwhile).</summary>
    internal TimeSpan AcceptedCountsWait { get; set; } = TimeSpan.FromSeconds(10);
    private readonly long[] _outcomes = new long[Enum.GetValues<ReportOutcomeKind>().Length];
    private long _commits;
    private long _pending;
    private long _publishFailures;
    private long _observerFailures;

    /// <summary>Submitted reports with this outcome since the process started (for /metrics).</summary>
    public long OutcomeCount(ReportOutcomeKind outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

    /// <summary>Store transactions that committed reports (for /metrics: reports accepted ÷ commits is the group size).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Submissions waiting for their group to commit right now (queued or in the transaction in flight).</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Observer calls that threw (the reports were stored regardless).</summary>
    public long ObserverFailures => Interlocked.Read(ref _observerFailures);

    /// <summary>Notifications to other nodes that failed (they catch up from the store).</summary>
    public long PublishFailures => Interlocked.Read(ref _publishFailures);

    /// <summary>
    /// Seeds the accepted counts once <paramref name="counts"/> completes (a scan of every stored report, which a start
    /// runs after it listens). Reports submitted before then wait for it: a key's trust depends on its count.
    /// </summary>
    public void SeedAcceptedCounts(Task<IReadOnlyDictionary<long, long>> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        _acceptedCountsSeeded = SeedAsync(counts);

        async Task SeedAsync(Task<IReadOnlyDictionary<long, long>> loading) => SeedAcceptedCounts(await loading);
    }

    public void SeedAcceptedCounts(IReadOnlyDictionary<long, long> counts)
    {
        foreach (var (key, count) in counts)
        {
            _acceptedByKey[key] = count;
        }
    }

    /// <summary>Submits reports of one key. Results are in submission order; the quota decision is the last one taken.</summary>
    public Task<ReportBatchResult> SubmitAsync(AuthenticatedKey reporter, IReadOnlyList<ReportSubmission> submissions, CancellationToken cancellationToken)
        => SubmitAsync(reporter, submissions, scoreResults: true, cancellationToken);

    /// <summary>Submits reports of one key. Results are in submission order; the quota decision is the last one taken.</summary>
    /// <param name="scoreResults">False leaves <see cref="ReportResult.Score"/> at 0: a bulk upload answers no per-row score, and
    /// scoring 10,000 addresses eagerly would cost as much as storing them. The index is current either way (each applied report
    /// invalidates its address's cached score), so the next read scores the new evidence.</param>
    public async Task<ReportBatchResult> SubmitAsync(AuthenticatedKey reporter, IReadOnlyList<ReportSubmission> submissions, bool scoreResults,
        CancellationToken cancellationToken)
    {
        if (!_acceptedCountsSeeded.IsCompleted)
        {
            try
            {
                await _acceptedCountsSeeded.WaitAsync(AcceptedCountsWait, cancellationToken);
            }
            catch (TimeoutException ex)
            {
                // The count is retried while the store is away: answer as the store being away, not with a hung request.
                throw new StoreUnavailableException("Reports are taken once the accepted reports per key are counted; the store did not answer", ex);
            }
        }

        var now = clock.UtcNow;
        // Where the reports come from groups reporters by network (docs/scoring.md); before they are applied, so they count so.
        index.Reporters.NoteCaller(reporter.Key.Id, submissions.Count > 0 ? submissions[0].ReporterAddress : null);
        var pending = new PendingSubmission(reporter, submissions, now);
        // What every row of a batch shares is worked out once: the key's trust, and the reporter's address the comments
        // are scrubbed of (parsed again only when a row names another one).
        var trust = ReporterTrust.Compute(reporter.Tier.ReporterKind, reporter.Tier.Trust, now - reporter.Key.CreatedAt,
            _acceptedByKey.GetValueOrDefault(reporter.Key.Id));
        var reporterText = submissions.Count > 0 ? submissions[0].ReporterAddress : null;
        var reporterAddress = CommentScrubber.Reporter(reporterText);
        for (var i = 0; i < submissions.Count; i++)
        {
            if (!string.Equals(submissions[i].ReporterAddress, reporterText, StringComparison.Ordinal))
            {
                reporterText = submissions[i].ReporterAddress;
                reporterAddress = CommentScrubber.Reporter(reporterText);
            }

            var validated = Validate(reporter, submissions[i], now, trust, reporterAddress);
            if (validated.Error is not null)
            {
                pending.Results[i] = ReportResult.Rejected(validated.Address, validated.Error);
            }
            else
            {
                pending.Candidates.Add((i, validated.Report!));
            }
        }

        bool startWriter;
        lock (_queueGate)
        {
            _queue.Add(pending);
            startWriter = !_draining;
            _draining = true;
        }

        Interlocked.Increment(ref _pending);
        if (startWriter)
        {
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }

        // The group may commit after this caller has gone; the reports are then stored all the same (as before, a
        // disconnect during the insert did not undo it).
        try
        {
            await pending.Done.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }

        var results = pending.Results;
        foreach (var result in results)
        {
            Interlocked.Increment(ref _outcomes[(int)result!.Outcome]);
        }

        if (!scoreResults)
        {
            return new ReportBatchResult(Array.ConvertAll(results, r => r!), pending.Decision);
        }

        // Scores are read after the writes so they include them.
        var final = new ReportResult[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i]!;
            final[i] = result.Address is { } address && result.Outcome is ReportOutcomeKind.Accepted or ReportOutcomeKind.Duplicate
                ? result with { Score = index.ScoreValue(address).Score }
                : result;
        }

        return new ReportBatchResult(final, pending.Decision);
    }

    // The single writer: takes everything queued, commits it as one group, and hands the group to the notification step
    // while it starts on the next one. It stops when the queue is empty (the next submission starts a new one).
    private async Task DrainAsync()
    {
        var notified = Task.CompletedTask;
        var first = true;
        while (true)
        {
            if (!first)
            {
                // Back of the thread pool's queue before taking the next group: the requests that arrived during the commit
                // run first and join it. Without this the writer took the next group at once, while most callers were
                // still queued behind it, and committed three reports at a time at 64 connections on one core. A lone
                // report never gets here (it is the first group); nothing waits on a timer.
                await Task.Yield();
            }

            first = false;
            List<PendingSubmission> group = [];
            lock (_queueGate)
            {
                var reports = 0;
                var taken = 0;
                while (taken < _queue.Count && (taken == 0 || reports + _queue[taken].Candidates.Count <= MaxGroupReports))
                {
                    reports += _queue[taken].Candidates.Count;
                    group.Add(_queue[taken++]);
                }

                _queue.RemoveRange(0, taken);
                if (taken == 0 && notified.IsCompleted)
                {
                    _draining = false;
                    return;
                }
            }

            if (group.Count == 0)
            {
                await notified;
                continue;
            }

            List<PendingSubmission> committed;
            try
            {
                committed = await CommitGroupAsync(group);
            }
            catch (Exception ex)
            {
                // Not a store failure (those are answered inside): still answer every caller, and keep the writer alive.
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(ex);
                }

                committed = [];
            }

            var previous = notified;
            notified = NotifyAsync(committed, previous);
        }
    }

    // Duplicates, quota, one transaction, index. Returns the callers whose reports were committed (or who had nothing to
    // commit); the others have been answered with their failure already.
    private async Task<List<PendingSubmission>> CommitGroupAsync(List<PendingSubmission> group)
    {
        // A report duplicating a stored one is answered with that report, read from the store (the index keeps only its id).
        var earlierIds = new HashSet<long>();
        var previousOf = new List<long?>();
        foreach (var pending in group)
        {
            foreach (var (_, report) in pending.Candidates)
            {
                var previous = index.FindDuplicate(report.KeyId, report.Address, report.Categories, pending.Now);
                previousOf.Add(previous);
                if (previous is { } id)
                {
                    earlierIds.Add(id);
                }
            }
        }

        var earlier = earlierIds.Count == 0
            ? new Dictionary<long, StoredReport>()
            : (await store.LoadByIdsAsync(earlierIds, CancellationToken.None)).ToDictionary(r => r.Id);

        // Within the group, a report duplicates an earlier one of the same key, address and category.
        var seen = new Dictionary<(long Key, string Address), List<StoredReport>>();
        var candidate = 0;
        foreach (var pending in group)
        {
            foreach (var (row, report) in pending.Candidates)
            {
                // A stored report withdrawn or purged since is no longer one to duplicate.
                var duplicate = (previousOf[candidate++] is { } id ? earlier.GetValueOrDefault(id) : null)
                    ?? (seen.TryGetValue((report.KeyId, report.Address), out var same) ? same.Find(s => s.Categories.Any(report.Categories.Contains)) : null);
                if (duplicate is not null)
                {
                    pending.Results[row] = new ReportResult(ReportOutcomeKind.Duplicate, report.Address, duplicate, 0, null);
                }
                else
                {
                    pending.Fresh.Add((row, report));
                    if (!seen.TryGetValue((report.KeyId, report.Address), out var sameAddress))
                    {
                        seen[(report.KeyId, report.Address)] = sameAddress = [];
                    }

                    sameAddress.Add(report);
                }
            }
        }

        // Each caller is charged for its own fresh reports; the charges of a group run side by side (one Redis round trip).
        await Task.WhenAll(group.Select(ChargeAsync));
        var live = new List<PendingSubmission>(group.Count);
        var reports = new List<StoredReport>();
        foreach (var pending in group)
        {
            if (pending.Done.Task.IsCompleted)
            {
                continue;
            }

            live.Add(pending);
            foreach (var (_, report) in pending.Accepted)
            {
                reports.Add(report);
            }
        }

        if (reports.Count == 0)
        {
            return live;
        }

        IReadOnlyList<StoredReport> stored;
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            try
            {
                stored = await store.InsertAsync(reports, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Nothing of the group is applied; every caller gets the failure (503 for a store that is unavailable).
                foreach (var pending in live)
                {
                    await RefundAsync(pending);
                    pending.Done.TrySetException(ex);
                }

                return [];
            }

            foreach (var report in stored)
            {
                index.Apply(report);
            }
        }
        finally
        {
            _writer.Release();
        }

        Interlocked.Increment(ref _commits);
        var next = 0;
        foreach (var pending in live)
        {
            for (var i = 0; i < pending.Accepted.Count; i++)
            {
                var report = stored[next++];
                pending.Stored.Add(report);
                pending.Results[pending.Accepted[i].Row] = new ReportResult(ReportOutcomeKind.Accepted, report.Address, report, 0, null);
            }

            if (pending.Stored.Count > 0)
            {
                _acceptedByKey.AddOrUpdate(pending.Reporter.Key.Id, pending.Stored.Count, (_, c) => c + pending.Stored.Count);
            }
        }

        return live;
    }

    private async Task ChargeAsync(PendingSubmission pending)
    {
        var limit = pending.Reporter.LimitFor(QuotaFamily.Report);
        try
        {
            pending.Decision = await quotas.ConsumeUpToAsync(pending.Reporter.Key.Id, QuotaFamily.Report, pending.Fresh.Count, limit, pending.Now);
        }
        catch (Exception ex)
        {
            // This caller only (e.g. the quota counters are unreachable): nothing of it is stored.
            pending.Done.TrySetException(ex);
            return;
        }

        var granted = (int)pending.Decision.Granted;
        for (var i = granted; i < pending.Fresh.Count; i++)
        {
            var (row, report) = pending.Fresh[i];
            pending.Results[row] = new ReportResult(ReportOutcomeKind.QuotaExceeded, report.Address, null, 0,
                $"Daily report quota of {limit} exhausted; it resets at midnight UTC.");
        }

        pending.Accepted.AddRange(pending.Fresh.Take(granted));
    }

    private async Task RefundAsync(PendingSubmission pending)
    {
        if (pending.Accepted.Count == 0)
        {
            return;
        }

        try
        {
            await quotas.RefundAsync(pending.Reporter.Key.Id, QuotaFamily.Report, pending.Accepted.Count, pending.Now);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The caller sees the commit failure; a refund that cannot be written leaves the units charged.
        }
    }

    // After the commit, outside the writer lock: tell other nodes and the observer, then answer the callers. Runs after
    // the previous group's notification, so callers are answered in commit order.
    private async Task NotifyAsync(List<PendingSubmission> committed, Task previous)
    {
        await previous;
        var ids = new List<long>();
        var accepted = new List<AcceptedReport>();
        foreach (var pending in committed)
        {
            for (var i = 0; i < pending.Stored.Count; i++)
            {
                ids.Add(pending.Stored[i].Id);
                accepted.Add(new AcceptedReport(pending.Stored[i], pending.Submissions[pending.Accepted[i].Row].Comment));
            }
        }

        if (ids.Count > 0)
        {
            await PublishAsync(ids);
            await ObserveAsync(accepted);
        }

        foreach (var pending in committed)
        {
            pending.Done.TrySetResult();
        }
    }

    /// <summary>
    /// Withdraws all of one key's reports of an address (recorded in the audit trail with the reason) and rescores it.
    /// Returns the number of reports deleted, or an error for an address that cannot have reports.
    /// </summary>
    public async Task<(int Deleted, string? Error)> ClearAsync(AuthenticatedKey reporter, string ip, string action, string? reason, CancellationToken cancellationToken)
    {
        if (!IpAddressParser.TryParse(ip, out var address, out var error))
        {
            return (0, error);
        }

        if (!address.IsPublic)
        {
            return (0, $"{address.Text} is a {KindName(address.Kind)} address; it has no reports.");
        }

        // A key with no report of the address withdraws nothing: asked before the write gate, so such a clear (its DELETE
        // scanned a busy address's hundred thousand index entries, 33-58 ms, every write waiting) takes no write at all.
        if (!await store.HasReportByKeyAsync(address.Text, reporter.Key.Id, cancellationToken))
        {
            return (0, null);
        }

        int deleted;
        long stamp;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            deleted = await store.ClearAsync(new AddressClearance(address.Text, reporter.Key.Id, action, reason, clock.UtcNow), cancellationToken);
            // Withdrawn meanwhile by another request: nothing to reload or announce.
            if (deleted == 0)
            {
                return (0, null);
            }

            stamp = index.ChangeStampOf(address.Text);
        }
        finally
        {
            _writer.Release();
        }

        // The deletion is committed: the index follows it whatever the caller does now (no cancellation). The address's
        // remaining reports are read without holding every write (a hundred thousand took ~0.3 s, every report waiting);
        // if anything changed the address meanwhile, they are read again holding them.
        var remaining = await store.LoadByAddressAsync(address.Text, CancellationToken.None);
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            if (index.ChangeStampOf(address.Text) != stamp)
            {
                remaining = await store.LoadByAddressAsync(address.Text, CancellationToken.None);
            }

            index.Reload(address.Text, remaining);
        }
        finally
        {
            _writer.Release();
        }

        try
        {
            await feed.PublishReloadAsync(address.Text, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _publishFailures);
            failureLog?.PublishFailed(1, ex);
        }

        return (deleted, null);
    }

    /// <param name="reporter">The reporting key.</param>
    /// <param name="submission">One report as submitted.</param>
    /// <param name="now">When the batch arrived.</param>
    /// <param name="trust">The reporting key's trust now.</param>
    /// <param name="reporterAddress">The submission's reporter address, parsed (<see cref="CommentScrubber.Reporter"/>).</param>
    private (StoredReport? Report, string? Address, string? Error) Validate(AuthenticatedKey reporter, ReportSubmission submission, DateTimeOffset now, double trust,
        System.Net.IPAddress? reporterAddress)
    {
        if (!IpAddressParser.TryParse(submission.Ip, out var address, out var error))
        {
            return (null, submission.Ip, error);
        }

        if (!address.IsPublic)
        {
            return (null, address.Text, $"{address.Text} is a {KindName(address.Kind)} address; only public addresses can be reported.");
        }

        if (submission.Categories.Count == 0)
        {
            return (null, address.Text, "At least one category is required.");
        }

        if (submission.Categories.Count > ReportLimits.MaxCategoriesPerReport)
        {
            return (null, address.Text, $"At most {ReportLimits.MaxCategoriesPerReport} categories per report.");
        }

        foreach (var id in submission.Categories)
        {
            if (id < 1 || id > CategoryCatalog.Native.Count)
            {
                return (null, address.Text, $"Unknown category {id}.");
            }
        }

        var protocol = submission.Protocol?.Trim().ToLowerInvariant();
        if (protocol is { Length: 0 })
        {
            protocol = null;
        }

        if (protocol is { Length: > ReportLimits.MaxProtocolLength })
        {
            return (null, address.Text, $"Protocol is longer than {ReportLimits.MaxProtocolLength} characters.");
        }

        if (protocol is not null && !IsProtocolText(protocol))
        {
            return (null, address.Text, "Protocol may contain only letters, digits, '-', '_', '.' and '/'.");
        }

        if (submission.Port is { } port && (port < 0 || port > 65535))
        {
            return (null, address.Text, $"Port {port} is outside 0–65535.");
        }

        if (submission.Comment is { Length: > ReportLimits.MaxCommentLength })
        {
            return (null, address.Text, $"Comment is longer than {ReportLimits.MaxCommentLength} characters.");
        }

        var username = string.IsNullOrEmpty(submission.Username) ? null : StoredText.WithoutNul(submission.Username);
        if (username is { Length: > ReportLimits.MaxUsernameLength })
        {
            return (null, address.Text, $"Username is longer than {ReportLimits.MaxUsernameLength} characters.");
        }

        string? email = null;
        if (!string.IsNullOrWhiteSpace(submission.Email) && !AlertTargets.TryNormalizeEmail(submission.Email.Trim(), out email))
        {
            // The address itself is not echoed: it is personal data, and error texts can end up in a client's logs.
            return (null, address.Text, $"Email is not an e-mail address (name@example.org, at most {AlertTargets.MaxEmailLength} characters).");
        }

        var at = submission.Timestamp?.ToUniversalTime() ?? now;
        if (at > now + ReportLimits.FutureSkew)
        {
            return (null, address.Text, "Timestamp is in the future.");
        }

        if (at < now.AddDays(-index.Options.ReportRetentionDays))
        {
            return (null, address.Text, $"Timestamp is older than the {index.Options.ReportRetentionDays}-day retention period.");
        }

        var comment = CommentScrubber.Scrub(submission.Comment, reporterAddress);
        var report = new StoredReport(0, address.Text, reporter.Key.Id, reporter.Tier.ReporterKind, trust, DistinctCategories(submission.Categories),
            protocol, submission.Port, username, comment, at, now, submission.Source, submission.Dialect, submission.DialectCategories, email);
        return (report, address.Text, null);
    }

    public void Dispose() => _writer.Dispose();

    private static bool IsProtocolText(string protocol)
    {
        foreach (var c in protocol)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '/'))
            {
                return false;
            }
        }

        return true;
    }

    // The categories in their first order without repeats; one category (most reports) needs no set.
    private static int[] DistinctCategories(IReadOnlyList<int> categories)
        => categories.Count == 1 ? [categories[0]] : [.. categories.Distinct()];

    // The reports are durable already; a lost notification only delays other nodes until their next sync.
    private async Task PublishAsync(List<long> ids)
    {
        try
        {
            await feed.PublishAsync(ids, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _publishFailures);
            failureLog?.PublishFailed(ids.Count, ex);
        }
    }

    // Observers (alerts) see the raw comment once; a failing observer never fails reports that are already committed.
    private async Task ObserveAsync(List<AcceptedReport> reports)
    {
        if (observer is null)
        {
            return;
        }

        try
        {
            await observer.OnAcceptedAsync(reports, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _observerFailures);
            failureLog?.ObserverFailed(reports.Count, ex);
        }
    }

    // One caller's submission on its way through a group commit.
    private sealed class PendingSubmission(AuthenticatedKey reporter, IReadOnlyList<ReportSubmission> submissions, DateTimeOffset now)
    {
        public AuthenticatedKey Reporter { get; } = reporter;

        public IReadOnlyList<ReportSubmission> Submissions { get; } = submissions;

        public DateTimeOffset Now { get; } = now;

        public ReportResult?[] Results { get; } = new ReportResult?[submissions.Count];

        // The lists below are sized for the submission: a single report's hold one row (grown to four, they were ~200 B
        // of every report's allocation).

        /// <summary>Valid rows, before duplicates are answered.</summary>
        public List<(int Row, StoredReport Report)> Candidates { get; } = new(submissions.Count);

        /// <summary>Not duplicates, before the quota.</summary>
        public List<(int Row, StoredReport Report)> Fresh { get; } = new(submissions.Count);

        /// <summary>Charged: these go into the transaction.</summary>
        public List<(int Row, StoredReport Report)> Accepted { get; } = new(submissions.Count);

        /// <summary>Accepted, as committed (with ids), in the order of <see cref="Accepted"/>.</summary>
        public List<StoredReport> Stored { get; } = new(submissions.Count);

        public QuotaDecision Decision { get; set; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string KindName(AddressKind kind) => kind switch
    {
        AddressKind.Private => "private",
        AddressKind.Loopback => "loopback",
        AddressKind.LinkLocal => "link-local",
        AddressKind.Multicast => "multicast",
        AddressKind.Documentation => "documentation",
        AddressKind.Unspecified => "unspecified",
        _ => "reserved",
    };
}
