namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>One ReportedIP report, as <c>POST /api/v1/report</c> takes it (JSON or form fields) and <c>bulk-report</c>
/// takes each entry. The handlers read the fields themselves; this record describes the body for the OpenAPI document.</summary>
/// <param name="Ip">The reported address (IPv4 or IPv6).</param>
/// <param name="Categories">ReportedIP category ids, comma-separated (e.g. <c>18,31</c>); in JSON also an array of numbers.</param>
/// <param name="Comment">Free text (log lines); e-mail addresses and the reporter's own addresses are scrubbed.</param>
/// <param name="Timestamp">When it happened (ISO 8601); now when absent.</param>
public sealed record ReportedIpReportRequest(string Ip, string Categories, string? Comment, string? Timestamp);

/// <summary>The body of <c>POST /api/v1/bulk-report</c> (a bare array is taken too).</summary>
/// <param name="Reports">Up to 1,000 reports.</param>
public sealed record ReportedIpBulkReportRequest(IReadOnlyList<ReportedIpReportRequest> Reports);

/// <summary>The body of <c>POST /api/v1/bulk-check</c> (a bare array is taken too).</summary>
/// <param name="Ips">Up to 1,000 addresses.</param>
public sealed record ReportedIpBulkCheckRequest(IReadOnlyList<string> Ips);

/// <summary>The body of <c>POST /api/v1/whitelist</c>: withdraw this key's reports of an address it trusts.</summary>
/// <param name="IpAddress">The address (<c>ip</c> is taken too).</param>
/// <param name="Reason">Why, for the audit log.</param>
public sealed record ReportedIpWhitelistRequest(string IpAddress, string? Reason);
