namespace Palisade.Cli.Guard;

/// <summary>
/// One answer from the blocklist: with <see cref="Replace"/> the whole list (first pull, or the server's
/// <c>reset</c>), otherwise what was added and removed since the cursor. Addresses are canonical (checked and
/// re-formatted here: a server's text never reaches a firewall script unparsed).
/// </summary>
internal sealed record GuardPull(bool Replace, string? Cursor, bool Truncated, int Total, IReadOnlyList<string> Added, IReadOnlyList<string> Removed, int Rejected);
