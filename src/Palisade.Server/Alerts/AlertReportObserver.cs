using Microsoft.Extensions.Logging;
using Palisade.Core.Alerts;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Time;

namespace Palisade.Server.Alerts;

/// <summary>
/// Matches each accepted report against the alerts and records the matches that pass their preferences, right after the
/// report is committed; the delivery service turns them into deliveries. Reports that match nothing cost a few lookups.
/// </summary>
internal sealed partial class AlertReportObserver(AlertRegistry registry, IAlertStore store, ReputationIndex index, IClock clock,
    ILogger<AlertReportObserver> logger) : IReportObserver
{
    public async Task OnAcceptedAsync(IReadOnlyList<AcceptedReport> reports, CancellationToken cancellationToken)
    {
        var matcher = registry.Matcher;
        if (matcher.Count == 0)
        {
            return;
        }

        List<AlertEvent>? events = null;
        foreach (var accepted in reports)
        {
            var report = accepted.Stored;
            var alerts = matcher.Match(report.Address, report.Username, accepted.RawComment, report.Email);
            if (alerts.Count == 0)
            {
                continue;
            }

            var score = index.ScoreValue(report.Address).Score;
            foreach (var alert in alerts)
            {
                if (alert.Preferences.Accepts(report.Categories, score))
                {
                    // The username is only carried when it is what the alert watches.
                    (events ??= []).Add(new AlertEvent(0, alert.Id, report.Id, report.Address, report.Categories, score,
                        alert.Kind == AlertTargetKind.Username ? report.Username : null, report.ReportedAt));
                }
            }
        }

        if (events is null)
        {
            return;
        }

        try
        {
            await store.RecordEventsAsync(events, clock.UtcNow, cancellationToken);
            registry.Ring();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRecordFailed(logger, events.Count, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {Count} alert matches; those alerts will not be told about these reports.")]
    private static partial void LogRecordFailed(ILogger logger, int count, Exception exception);
}
