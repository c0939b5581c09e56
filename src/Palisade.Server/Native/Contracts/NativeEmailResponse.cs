namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/email/{email}</c>: how many retained reports named the address and when (epoch ms), as SikkerAPI sends it.</summary>
public sealed record NativeEmailResponse(string Email, long TotalMessages, long FirstSeenAt, long LastSeenAt);
