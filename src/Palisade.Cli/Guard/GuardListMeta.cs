namespace Palisade.Cli.Guard;

/// <summary>The parts of the blocklist's <c>meta</c> the guard acts on (see docs/blocklists.md).</summary>
internal sealed record GuardListMeta(string? Cursor, bool Truncated, bool? Reset, int Count, int Total);
