namespace Palisade.Server.Native.Contracts;

/// <summary>One address of a bulk check; <c>lastSeen</c> is epoch milliseconds. Unknown fields are written as null.</summary>
public sealed record BulkCheckResult(string Ip, bool Found, int? ConfidenceLevel, string? CountryCode, long? LastSeen);
