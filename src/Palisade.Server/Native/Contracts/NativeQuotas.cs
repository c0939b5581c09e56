namespace Palisade.Server.Native.Contracts;

/// <summary>Today's quota of each family.</summary>
/// <param name="Lookups">Checks (check, username, bulk check).</param>
/// <param name="Reports">Reports.</param>
/// <param name="Blacklist">Blocklist addresses.</param>
/// <param name="Taxii">TAXII objects.</param>
public sealed record NativeQuotas(NativeQuotaState Lookups, NativeQuotaState Reports, NativeQuotaState Blacklist, NativeQuotaState Taxii);
