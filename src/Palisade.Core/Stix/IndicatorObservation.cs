namespace Palisade.Core.Stix;

/// <summary>
/// What the engine currently knows about an address, reduced to what an indicator shows: score, whether a whitelist
/// matches, when it was last active, its behaviour labels and ATT&amp;CK techniques (newline-joined, stable order).
/// </summary>
public readonly record struct IndicatorObservation(int Score, bool Whitelisted, DateTimeOffset LastSeen, string Labels, string Techniques);
