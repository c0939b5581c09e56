namespace Palisade.Cli.Guard;

/// <summary>
/// What the guard keeps between runs (<c>--state</c>): the cursor of the last change the firewall accepted, the
/// addresses it put into the sets (nft refuses to delete an element that is not there, and allowlist edits must
/// find what to take out), and a fingerprint of server, filters and set names: a different one forces a full sync.
/// </summary>
internal sealed record GuardState(string Fingerprint, string Cursor, IReadOnlyList<string> Addresses, DateTimeOffset SavedAt);
