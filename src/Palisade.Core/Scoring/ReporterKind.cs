namespace Palisade.Core.Scoring;

/// <summary>Community reporters send reports; sensors (keys with the honeypot role) send observations, which weigh more.</summary>
public enum ReporterKind
{
    Community,
    Sensor,
}
