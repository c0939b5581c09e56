namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary><c>GET /api/v2/check-block</c> data: the network's bounds and its reported addresses.</summary>
public sealed record AbuseIpdbCheckBlockData(
    string NetworkAddress,
    string Netmask,
    string MinAddress,
    string MaxAddress,
    decimal NumPossibleHosts,
    string AddressSpaceDesc,
    IReadOnlyList<AbuseIpdbBlockAddress> ReportedAddress);
