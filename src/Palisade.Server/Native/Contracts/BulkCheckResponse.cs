namespace Palisade.Server.Native.Contracts;

/// <summary><c>POST /v1/key/bulk-check-inline</c>: <c>{"queried","found","results":[…]}</c>, results in request order.</summary>
public sealed record BulkCheckResponse(int Queried, int Found, IReadOnlyList<BulkCheckResult> Results);
