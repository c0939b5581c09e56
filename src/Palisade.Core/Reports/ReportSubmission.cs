using Palisade.Core.Scoring;

namespace Palisade.Core.Reports;

/// <summary>
/// A report as a face hands it to the engine, already mapped to native category ids. <see cref="Dialect"/> and
/// <see cref="DialectCategories"/> keep the ids the reporter used ("abuseipdb", [18, 22]) so each dialect can answer
/// in its own ids. <see cref="Email"/> is a structured e-mail address the report is about (an SMTP recipient a honeypot
/// saw), unlike e-mail addresses in the comment, which are scrubbed.
/// </summary>
public sealed record ReportSubmission(
    string Ip,
    IReadOnlyList<int> Categories,
    string? Protocol = null,
    int? Port = null,
    string? Username = null,
    string? Comment = null,
    DateTimeOffset? Timestamp = null,
    ReportSource Source = ReportSource.Local,
    string? Dialect = null,
    IReadOnlyList<int>? DialectCategories = null,
    string? ReporterAddress = null,
    string? Email = null);
