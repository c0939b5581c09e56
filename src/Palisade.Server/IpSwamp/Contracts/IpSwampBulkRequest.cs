using System.Text.Json.Serialization;

namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>The body of <c>POST /api/v1/checkIP/bulk</c> (read by the handler itself, for IPSwamp's own errors; this
/// record describes it for the OpenAPI document).</summary>
/// <param name="Ips">Up to 100 addresses.</param>
public sealed record IpSwampBulkRequest([property: JsonPropertyName("ips")] IReadOnlyList<string> Ips);

/// <summary>The body of <c>POST /api/honeypot/report-ip</c>, as the IPSwamp honeypot client sends it (read by the handler
/// itself; this record describes it for the OpenAPI document).</summary>
/// <param name="IpAddress">The attacking address.</param>
/// <param name="AttackType">What it did (<c>ssh_bruteforce</c>, <c>port_scan</c>, …), mapped to a category.</param>
/// <param name="Description">Free text, kept in the report's comment.</param>
/// <param name="Evidence">Log lines; the first three are kept in the comment.</param>
public sealed record IpSwampHoneypotReport(
    [property: JsonPropertyName("ip_address")] string IpAddress,
    [property: JsonPropertyName("attack_type")] string AttackType,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("evidence")] IReadOnlyList<string>? Evidence);

/// <summary>The body of <c>POST /api/honeypot/heartbeat</c>.</summary>
/// <param name="HoneypotId">The honeypot's name (a string or a number).</param>
public sealed record IpSwampHoneypotHeartbeat([property: JsonPropertyName("honeypot_id")] string HoneypotId);
