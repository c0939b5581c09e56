namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>DELETE /api/v2/clear-address</c> data: how many of the caller's reports were removed.</summary>
public sealed record AbuseIpdbClearAddressData(int NumReportsDeleted);
