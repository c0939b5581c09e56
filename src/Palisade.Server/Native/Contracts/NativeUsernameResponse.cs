namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/username/{u}</c>; <c>protocolCounts</c> is a JSON object encoded as a string, as SikkerAPI sends it.</summary>
public sealed record NativeUsernameResponse(string Username, long TotalSessions, string ProtocolCounts, long FirstSeenAt, long LastSeenAt);
