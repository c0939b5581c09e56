namespace Palisade.Core.Reports;

/// <summary>
/// Told about reports right after they are durable and indexed (alerts use it). The reports are committed whatever
/// happens here: an observer must not throw, and should be quick — callers of a group commit are answered after it returns
/// (it runs outside the writer lock, while the next group commits).
/// </summary>
public interface IReportObserver
{
    Task OnAcceptedAsync(IReadOnlyList<AcceptedReport> reports, CancellationToken cancellationToken);
}
