namespace Palisade.Server.IpSwamp.Contracts;

/// <summary>IPSwamp's error body: <c>{"error":true,"statusCode":N,"message":"…"}</c>.</summary>
public sealed record IpSwampError(bool Error, int StatusCode, string Message);
