namespace Palisade.Server.Logging;

/// <summary>Logging settings of section <c>Palisade:Logging</c> (levels themselves live in the standard <c>Logging</c> section).</summary>
public sealed class LoggingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Logging";

    /// <summary>One Information line per request (method, path with secrets redacted, status, time, client) under the
    /// category <c>Palisade.Access</c>. Off by default: at high request rates it costs throughput and disk.</summary>
    public bool AccessLog { get; set; }
}
