namespace Palisade.Core.Reputation;

/// <summary>An atomic observed fact: a targeted port ("port:22") or a tried username ("username:root").</summary>
public sealed record PrimitiveActivity(string Name, long Count, string Description);
