namespace Palisade.Core.Reputation;

/// <summary>A username tried against reporters' services: how often, on which protocols, when.</summary>
public sealed record UsernameActivity(string Username, long TotalSessions, IReadOnlyDictionary<string, long> ProtocolCounts, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
