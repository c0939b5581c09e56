namespace Palisade.Core.Reports;

/// <summary>
/// A reporter withdrawing its reports of an address (AbuseIPDB's clear-address, ReportedIP's positive feedback).
/// Kept in the audit trail with its reason.
/// </summary>
/// <param name="Action">"clear" or "positive-feedback".</param>
public sealed record AddressClearance(string Address, long KeyId, string Action, string? Reason, DateTimeOffset At);
