namespace Palisade.Core.Blocklists;

/// <summary>
/// What changed on a list since a cursor: entries that joined it (<see cref="Added"/>, current data) and addresses
/// that left it (<see cref="Removed"/>). When <see cref="Reset"/> is true the server could not answer incrementally
/// (cursor from another server process, or older than the history kept): <see cref="Added"/> is then the whole list and
/// the client must replace its copy.
/// </summary>
public sealed record BlocklistChanges(
    BlocklistSelection Current,
    IReadOnlyList<BlocklistEntry> Added,
    IReadOnlyList<string> Removed,
    bool Reset,
    string NextCursor);
