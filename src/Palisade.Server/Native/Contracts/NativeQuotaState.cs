namespace Palisade.Server.Native.Contracts;

/// <summary>One family's quota on the status endpoint; limit and remaining are null when unlimited.</summary>
public sealed record NativeQuotaState(long Used, long? Limit, long? Remaining);
