namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/blacklist?since=…</c>: entries that joined the list, addresses that left it, and in
/// <c>meta.cursor</c> the value to pass as <c>since</c> next time.</summary>
public sealed record BlacklistChangesResponse(BlacklistMeta Meta, IReadOnlyList<BlacklistItem> Added, IReadOnlyList<string> Removed);
