namespace Palisade.Cli.Guard;

/// <summary><c>GET /v1/key/blacklist</c> without <c>since</c>: the whole list.</summary>
internal sealed record GuardListResponse(GuardListMeta? Meta, IReadOnlyList<GuardListItem>? Data);
