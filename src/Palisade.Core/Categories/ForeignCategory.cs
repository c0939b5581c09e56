namespace Palisade.Core.Categories;

/// <summary>A category id of another dialect (AbuseIPDB 1–23, ReportedIP 1–58) and the native category it maps to.</summary>
public sealed record ForeignCategory(int Id, string Name, int NativeId);
