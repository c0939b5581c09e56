namespace Palisade.Core.Sensors;

/// <summary>
/// One report a sensor sends for an address and behaviour (category × protocol) in a window: the first username
/// offered (username intelligence), how many events the window held, and a short comment with the evidence.
/// Field names are the native bulk report's, so a queued batch is posted as it is stored.
/// </summary>
public sealed record SensorReport(
    string Ip,
    IReadOnlyList<int> Categories,
    string Protocol,
    int Port,
    string? Username,
    string Comment,
    DateTimeOffset Timestamp);
