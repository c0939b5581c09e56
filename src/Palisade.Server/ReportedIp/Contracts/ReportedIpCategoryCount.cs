namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>How often an address was reported in one ReportedIP category.</summary>
public sealed record ReportedIpCategoryCount(int Id, string Name, long Count);
