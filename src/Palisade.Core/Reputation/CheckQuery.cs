namespace Palisade.Core.Reputation;

/// <summary>Options of a check: only evidence younger than <see cref="MaxAge"/>, only some protocols, raw score.</summary>
public sealed record CheckQuery(TimeSpan? MaxAge = null, IReadOnlySet<string>? Protocols = null, bool IgnoreWhitelist = false)
{
    public static readonly CheckQuery Default = new();

    public bool IsFiltered => MaxAge is not null || Protocols is { Count: > 0 };
}
