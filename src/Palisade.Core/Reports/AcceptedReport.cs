namespace Palisade.Core.Reports;

/// <summary>A report just committed, with its comment as submitted (before scrubbing) for observers that must see it once.</summary>
public sealed record AcceptedReport(StoredReport Stored, string? RawComment);
