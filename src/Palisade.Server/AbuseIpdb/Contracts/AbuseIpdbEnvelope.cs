namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>AbuseIPDB's success body: <c>{"data": …}</c>.</summary>
public sealed record AbuseIpdbEnvelope<T>(T Data);
