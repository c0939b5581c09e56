namespace Palisade.Server.Native.Contracts;

/// <summary>One refused row of a bulk report: <c>{"row":3,"ip":"999.1.1.1","error":"…"}</c>.</summary>
public sealed record BulkReportError(int Row, string Ip, string Error);
