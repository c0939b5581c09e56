using System.Collections.Concurrent;
using Palisade.Core.Addresses;
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
/// commits them to the store in one transaction and only then applies them to the in-memory index — so a 2xx means
/// the write is durable, and scores are current when the response is sent.
/// </summary>
public sealed class ReportService(IReportStore store, ReputationIndex index, IQuotaCounter quotas, IClock clock, IReportFeed feed,
    IReportObserver? observer = null) : IDisposable
{
    // One writer at a time: duplicate detection and insert must not interleave (SQLite has one writer anyway).
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<long, long> _acceptedByKey = new();
    private readonly long[] _outcomes = new long[Enum.GetValues<ReportOutcomeKind>().Length];

    /// <summary>Submitted reports with this outcome since the process started (for /metrics).</summary>
    public long OutcomeCount(ReportOutcomeKind outcome) => Interlocked.Read(ref _outcomes[(int)outcome]);

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
        var now = clock.UtcNow;
        var results = new ReportResult?[submissions.Count];
        var candidates = new List<(int Row, StoredReport Report)>();
        for (var i = 0; i < submissions.Count; i++)
        {
            var validated = Validate(reporter, submissions[i], now);
            if (validated.Error is not null)
            {
                results[i] = ReportResult.Rejected(validated.Address, validated.Error);
            }
            else
            {
                candidates.Add((i, validated.Report!));
            }
        }

        var limit = reporter.LimitFor(QuotaFamily.Report);
        QuotaDecision decision;
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var fresh = new List<(int Row, StoredReport Report)>();
            // Indexed by address: a 10,000-row upload must not compare every row with every other.
            var seen = new Dictionary<string, List<StoredReport>>(StringComparer.Ordinal);
            foreach (var (row, report) in candidates)
            {
                var duplicate = index.FindDuplicate(report.KeyId, report.Address, report.Categories, now)
                    ?? (seen.TryGetValue(report.Address, out var same) ? same.Find(s => s.Categories.Any(report.Categories.Contains)) : null);
                if (duplicate is not null)
                {
                    results[row] = new ReportResult(ReportOutcomeKind.Duplicate, report.Address, duplicate, 0, null);
                }
                else
                {
                    fresh.Add((row, report));
                    if (!seen.TryGetValue(report.Address, out var sameAddress))
                    {
                        seen[report.Address] = sameAddress = [];
                    }

                    sameAddress.Add(report);
                }
            }

            decision = await quotas.ConsumeUpToAsync(reporter.Key.Id, QuotaFamily.Report, fresh.Count, limit, now);
            var granted = (int)decision.Granted;
            foreach (var (row, report) in fresh.Skip(granted))
            {
                results[row] = new ReportResult(ReportOutcomeKind.QuotaExceeded, report.Address, null, 0,
                    $"Daily report quota of {limit} exhausted; it resets at midnight UTC.");
            }

            var accepted = fresh.Take(granted).ToList();
            if (accepted.Count > 0)
            {
                IReadOnlyList<StoredReport> stored;
                try
                {
                    stored = await store.InsertAsync([.. accepted.Select(a => a.Report)], cancellationToken);
                }
                catch
                {
                    await quotas.RefundAsync(reporter.Key.Id, QuotaFamily.Report, accepted.Count, now);
                    throw;
                }

                foreach (var report in stored)
                {
                    index.Apply(report);
                }

                await PublishAsync(stored);
                await ObserveAsync(stored, accepted, submissions);

                _acceptedByKey.AddOrUpdate(reporter.Key.Id, stored.Count, (_, c) => c + stored.Count);
                for (var i = 0; i < accepted.Count; i++)
                {
                    results[accepted[i].Row] = new ReportResult(ReportOutcomeKind.Accepted, stored[i].Address, stored[i], 0, null);
                }
            }
        }
        finally
        {
            _writer.Release();
        }

        foreach (var result in results)
        {
            Interlocked.Increment(ref _outcomes[(int)result!.Outcome]);
        }

        if (!scoreResults)
        {
            return new ReportBatchResult(Array.ConvertAll(results, r => r!), decision);
        }

        // Scores are read after the writes so they include them.
        var final = new ReportResult[results.Length];
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i]!;
            final[i] = result.Address is { } address && result.Outcome is ReportOutcomeKind.Accepted or ReportOutcomeKind.Duplicate
                ? result with { Score = index.Score(address).Score }
                : result;
        }

        return new ReportBatchResult(final, decision);
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

        await _writer.WaitAsync(cancellationToken);
        try
        {
            var deleted = await store.ClearAsync(new AddressClearance(address.Text, reporter.Key.Id, action, reason, clock.UtcNow), cancellationToken);
            index.Reload(address.Text, await store.LoadByAddressAsync(address.Text, cancellationToken));
            try
            {
                await feed.PublishReloadAsync(address.Text, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                PublishFailures++;
            }

            return (deleted, null);
        }
        finally
        {
            _writer.Release();
        }
    }

    private (StoredReport? Report, string? Address, string? Error) Validate(AuthenticatedKey reporter, ReportSubmission submission, DateTimeOffset now)
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

        if (protocol is not null && !protocol.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
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

        var at = submission.Timestamp?.ToUniversalTime() ?? now;
        if (at > now + ReportLimits.FutureSkew)
        {
            return (null, address.Text, "Timestamp is in the future.");
        }

        if (at < now.AddDays(-index.Options.ReportRetentionDays))
        {
            return (null, address.Text, $"Timestamp is older than the {index.Options.ReportRetentionDays}-day retention period.");
        }

        var trust = ReporterTrust.Compute(reporter.Tier.ReporterKind, reporter.Tier.Trust, now - reporter.Key.CreatedAt,
            _acceptedByKey.GetValueOrDefault(reporter.Key.Id));
        var comment = CommentScrubber.Scrub(submission.Comment, submission.ReporterAddress);
        var report = new StoredReport(0, address.Text, reporter.Key.Id, reporter.Tier.ReporterKind, trust, [.. submission.Categories.Distinct()],
            protocol, submission.Port, username, comment, at, now, submission.Source, submission.Dialect, submission.DialectCategories);
        return (report, address.Text, null);
    }

    public void Dispose() => _writer.Dispose();

    // The reports are durable already; a lost notification only delays other nodes until their next sync.
    private async Task PublishAsync(IReadOnlyList<StoredReport> stored)
    {
        try
        {
            await feed.PublishAsync([.. stored.Select(r => r.Id)], CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            PublishFailures++;
        }
    }

    // Observers (alerts) see the raw comment once; a failing observer never fails reports that are already committed.
    private async Task ObserveAsync(IReadOnlyList<StoredReport> stored, List<(int Row, StoredReport Report)> accepted, IReadOnlyList<ReportSubmission> submissions)
    {
        if (observer is null)
        {
            return;
        }

        var reports = new AcceptedReport[stored.Count];
        for (var i = 0; i < stored.Count; i++)
        {
            reports[i] = new AcceptedReport(stored[i], submissions[accepted[i].Row].Comment);
        }

        try
        {
            await observer.OnAcceptedAsync(reports, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ObserverFailures++;
        }
    }

    /// <summary>Observer calls that threw (the reports were stored regardless).</summary>
    public long ObserverFailures { get; private set; }

    /// <summary>Notifications to other nodes that failed (they catch up from the store).</summary>
    public long PublishFailures { get; private set; }

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
