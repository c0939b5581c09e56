namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>One blacklisted address.</summary>
public sealed record AbuseIpdbBlacklistEntry(string IpAddress, string? CountryCode, int AbuseConfidenceScore, string? LastReportedAt);
