namespace Palisade.Cli.Guard;

/// <summary>A local setting the guard cannot work with (the allowlist file, say); the message says which and why.</summary>
internal sealed class GuardConfigurationException(string message) : Exception(message);
