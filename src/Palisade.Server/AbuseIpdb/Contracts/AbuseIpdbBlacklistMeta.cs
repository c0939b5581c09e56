namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>When the blacklist was generated.</summary>
public sealed record AbuseIpdbBlacklistMeta(string GeneratedAt);
