namespace Palisade.Core.Reputation;

/// <summary>Per protocol: sessions = reports/observations, events = categories reported in them.</summary>
public sealed record ProtocolActivity(string Protocol, long Sessions, long Events);
