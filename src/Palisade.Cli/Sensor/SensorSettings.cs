using System.Net;

namespace Palisade.Cli.Sensor;

/// <summary>One listener: a protocol and the local endpoint it takes connections on.</summary>
internal sealed record SensorListen(string Protocol, IPEndPoint EndPoint)
{
    public override string ToString() => $"{Protocol}={EndPoint}";
}

/// <summary>Everything <c>palisade sensor</c> runs with, validated (see <see cref="SensorCommand"/>).</summary>
internal sealed record SensorSettings(
    Uri Server,
    string Key,
    IReadOnlyList<SensorListen> Listeners,
    string DataDirectory,
    string Name,
    bool KeepPasswords,
    TimeSpan Window,
    TimeSpan FlushInterval,
    TimeSpan HeartbeatInterval,
    int MaxConnections,
    int MaxConnectionsPerAddress,
    TimeSpan ConnectionTimeout,
    bool ReportPrivate)
{
    public const int MaxBytesPerConnection = 64 * 1024;
    public const int MaxLineBytes = 2048;
    public const int MaxAttemptsPerConnection = 10;
}
