namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>AbuseIPDB's error body: <c>{"errors":[{"detail":"…","status":N}]}</c>.</summary>
public sealed record AbuseIpdbErrorBody(IReadOnlyList<AbuseIpdbError> Errors);
