namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>ReportedIP's response envelope: <c>{"meta":{success,code,message},"data":…}</c>; data is null on errors
/// (except 429, which carries <c>retryAfter</c>).</summary>
public sealed record ReportedIpEnvelope<T>(ReportedIpMeta Meta, T? Data);
