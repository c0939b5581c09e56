namespace Palisade.Core.Alerts;

/// <summary>One accepted report that matched an alert, waiting to leave in the alert's next digest.</summary>
public sealed record AlertEvent(long Id, long AlertId, long ReportId, string Address, IReadOnlyList<int> Categories, int Score, string? Username,
    DateTimeOffset ReportedAt);
