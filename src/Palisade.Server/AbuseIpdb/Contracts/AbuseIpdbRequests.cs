using Microsoft.AspNetCore.Http;

namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>The parameters of <c>POST /api/v2/report</c>, taken from the query string, a urlencoded or multipart form, or
/// a JSON object, as AbuseIPDB takes them. The handler reads the fields itself; this record describes the body for the
/// OpenAPI document.</summary>
/// <param name="Ip">The reported address (IPv4 or IPv6).</param>
/// <param name="Categories">AbuseIPDB category ids, comma-separated (e.g. <c>18,22</c>).</param>
/// <param name="Comment">Free text (log lines); e-mail addresses and the reporter's own addresses are scrubbed.</param>
/// <param name="Timestamp">When it happened (ISO 8601); now when absent.</param>
public sealed record AbuseIpdbReportRequest(string Ip, string Categories, string? Comment, string? Timestamp);

/// <summary>The multipart body of <c>POST /api/v2/bulk-report</c>.</summary>
/// <param name="Csv">The CSV file (IP, Categories, ReportDate, Comment), up to 10,000 rows.</param>
public sealed record AbuseIpdbBulkReportForm(IFormFile Csv);
