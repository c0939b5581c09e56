namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>One of ReportedIP's 58 categories and the native category it is scored as.</summary>
public sealed record ReportedIpCategoryInfo(int Id, string Name, string NativeCategory, string Severity);
