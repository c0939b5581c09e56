namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/blacklist</c> (JSON): <c>{"meta": …, "data": […]}</c>.</summary>
public sealed record BlacklistResponse(BlacklistMeta Meta, IReadOnlyList<BlacklistItem> Data);
