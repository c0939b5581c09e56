namespace Palisade.Cli.Guard;

/// <summary>The native API's error body, <c>{"error":"…"}</c>.</summary>
internal sealed record GuardErrorResponse(string? Error);
