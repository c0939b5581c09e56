using Palisade.Core.Scoring;

namespace Palisade.Core.Reports;

/// <summary>A report as stored: validated, scrubbed, with the reporter's kind and trust at the time it was accepted.
/// <see cref="Email"/> is normalised (trimmed, lower-case) and personal data: it lives as long as the report.</summary>
public sealed record StoredReport(
    long Id,
    string Address,
    long KeyId,
    ReporterKind Kind,
    double Trust,
    IReadOnlyList<int> Categories,
    string? Protocol,
    int? Port,
    string? Username,
    string? Comment,
    DateTimeOffset ReportedAt,
    DateTimeOffset ReceivedAt,
    ReportSource Source,
    string? Dialect,
    IReadOnlyList<int>? DialectCategories,
    string? Email = null);
