namespace Palisade.Core.Sensors;

/// <summary>What a sensor listener saw on one connection step.</summary>
public enum SensorEventKind
{
    /// <summary>A connection that closed (or timed out) without sending anything: a scan.</summary>
    Connect,

    /// <summary>Bytes arrived but no credentials or request line (an SMTP EHLO, a telnet banner grab).</summary>
    Probe,

    /// <summary>A username (and perhaps a password or public key) was offered.</summary>
    Login,

    /// <summary>An HTTP request line (with its path) without credentials.</summary>
    HttpRequest,

    /// <summary>An SMTP relay attempt (MAIL FROM / RCPT TO to a foreign domain).</summary>
    MailRelay,
}

/// <summary>
/// One thing a sensor listener observed. <see cref="Password"/> is only filled when the operator opted in
/// (<c>--keep-passwords</c>); it is never sent to the server.
/// </summary>
public sealed record SensorEvent(
    string Address,
    string Protocol,
    int Port,
    SensorEventKind Kind,
    DateTimeOffset Timestamp,
    string? Username = null,
    string? Password = null,
    string? Method = null,
    string? Path = null,
    string? Detail = null);
