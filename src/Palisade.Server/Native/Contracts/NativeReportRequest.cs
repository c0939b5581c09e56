using System.Text.Json;

namespace Palisade.Server.Native.Contracts;

/// <summary>
/// One native report, as <c>POST /v1/key/report</c> takes it and <c>bulk-report</c> takes each row. The handlers read it
/// with <see cref="NativeReportParser"/> (categories as names or ids, strings or numbers), so this record describes the
/// body for the OpenAPI document.
/// </summary>
/// <param name="Ip">The reported address (IPv4 or IPv6).</param>
/// <param name="Category">One category: a name such as <c>brute_force</c> or an id 1–16.</param>
/// <param name="Categories">Several categories: an array of names or ids, or a comma-separated string.</param>
/// <param name="Protocol">The protocol attacked (<c>ssh</c>, <c>http</c>, …).</param>
/// <param name="Port">The port attacked.</param>
/// <param name="Username">The username tried.</param>
/// <param name="Email">An e-mail address the attack used (normalised; feeds <c>GET /v1/key/email/{email}</c>).</param>
/// <param name="Comment">Free text (log lines); e-mail addresses and the reporter's own addresses are scrubbed.</param>
/// <param name="Timestamp">When it happened: RFC 3339 or epoch seconds; now when absent.</param>
/// <param name="Source"><c>local</c> (default) or <c>feed</c>.</param>
public sealed record NativeReportRequest(string Ip, JsonElement? Category, JsonElement? Categories, string? Protocol, int? Port, string? Username,
    string? Email, string? Comment, JsonElement? Timestamp, string? Source);

/// <summary>The JSON body of <c>POST /v1/key/bulk-report</c> (a bare array of reports is taken too; so is a CSV file).</summary>
/// <param name="Reports">Up to 10,000 reports.</param>
public sealed record NativeBulkReportRequest(IReadOnlyList<NativeReportRequest> Reports);
