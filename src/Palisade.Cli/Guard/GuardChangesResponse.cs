namespace Palisade.Cli.Guard;

/// <summary><c>GET /v1/key/blacklist?since=…</c>: what joined and left the list since the cursor.</summary>
internal sealed record GuardChangesResponse(GuardListMeta? Meta, IReadOnlyList<GuardListItem>? Added, IReadOnlyList<string>? Removed);
