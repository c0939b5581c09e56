namespace Palisade.Cli.Guard;

/// <summary>ipset or nft refused a script (or could not be started); the message carries the tool's own error.</summary>
internal sealed class FirewallException(string message, Exception? inner = null) : Exception(message, inner);
