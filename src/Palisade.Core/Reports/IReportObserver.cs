namespace Palisade.Core.Reports;

/// <summary>
/// Told about reports right after they are durable and indexed (alerts use it). The reports are committed whatever
/// happens here: an observer must not throw, and should be quick — it runs while the writer lock is held.
/// </summary>
public interface IReportObserver
{
    Task OnAcceptedAsync(IReadOnlyList<AcceptedReport> reports, CancellationToken cancellationToken);
}
