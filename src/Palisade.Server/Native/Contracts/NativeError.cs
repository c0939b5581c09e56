namespace Palisade.Server.Native.Contracts;

/// <summary>The native error body: <c>{"error": "…"}</c>.</summary>
public sealed record NativeError(string Error);
