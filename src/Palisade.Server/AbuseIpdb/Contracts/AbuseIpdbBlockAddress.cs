namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>A reported address inside a checked block.</summary>
public sealed record AbuseIpdbBlockAddress(string IpAddress, long NumReports, string? MostRecentReport, int AbuseConfidenceScore, string? CountryCode);
