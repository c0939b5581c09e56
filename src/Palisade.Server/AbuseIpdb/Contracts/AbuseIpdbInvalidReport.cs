namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>A bulk-report row that was not saved; <see cref="RowNumber"/> counts the header as row 1.</summary>
public sealed record AbuseIpdbInvalidReport(string Error, string Input, int RowNumber);
