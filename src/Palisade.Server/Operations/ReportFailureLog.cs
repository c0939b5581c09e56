using Microsoft.Extensions.Logging;
using Palisade.Core.Reports;

namespace Palisade.Server.Operations;

/// <summary>
/// Logs what failed after reports were committed (cluster notification, alert observer). The reports are stored either
/// way; <c>/metrics</c> counts these failures (<c>palisade_report_followup_failures_total</c>).
/// </summary>
internal sealed partial class ReportFailureLog(ILogger<ReportFailureLog> logger) : IReportFailureLog
{
    public void PublishFailed(int reports, Exception exception) => LogPublishFailed(logger, reports, exception);

    public void ObserverFailed(int reports, Exception exception) => LogObserverFailed(logger, reports, exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not tell other nodes about {Count} stored reports; they will pick them up at their next sync.")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The report observer (alerts) failed on {Count} stored reports.")]
    private static partial void LogObserverFailed(ILogger logger, int count, Exception exception);
}
