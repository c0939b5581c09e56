namespace Palisade.Core.Reports;

/// <summary>
/// Where the report service tells about work that failed after reports were committed (the reports stay stored): the
/// notification to other nodes and the observer (alerts). The server logs these; /metrics counts them.
/// </summary>
public interface IReportFailureLog
{
    /// <summary>Other nodes were not told about <paramref name="reports"/> reports; they catch up from the store.</summary>
    void PublishFailed(int reports, Exception exception);

    /// <summary>The observer (alerts) failed on <paramref name="reports"/> committed reports.</summary>
    void ObserverFailed(int reports, Exception exception);
}
