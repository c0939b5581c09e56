namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>GET /api/v2/blacklist</c> as JSON: <c>{"meta":{"generatedAt"},"data":[…]}</c>.</summary>
public sealed record AbuseIpdbBlacklistResponse(AbuseIpdbBlacklistMeta Meta, IReadOnlyList<AbuseIpdbBlacklistEntry> Data);
