namespace Palisade.Server.Native.Contracts;

public sealed record NativeQuotas(NativeQuotaState Lookups, NativeQuotaState Reports, NativeQuotaState Blacklist, NativeQuotaState Taxii);
