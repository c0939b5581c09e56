using Palisade.Core.Text;

namespace Palisade.Server.Logging;

/// <summary>What every log line goes through: secrets redacted, then control characters made visible.</summary>
public static class LogText
{
    public static string Clean(string text) => ControlCharacters.Escape(LogRedactor.Redact(text));
}
