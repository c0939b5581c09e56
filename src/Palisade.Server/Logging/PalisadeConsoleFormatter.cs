using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Palisade.Server.Logging;

/// <summary>
/// The console format of every Palisade log line: one line per entry (<c>info: Category[id] message</c>, like the simple
/// console's single-line form), with secrets redacted and control characters escaped in the message, the scopes and the
/// exception, so a request path with CR/LF or ESC can neither forge a line nor recolour the terminal.
/// </summary>
internal sealed class PalisadeConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "palisade";

    private readonly IDisposable? _reload;
    private ConsoleFormatterOptions _options;

    public PalisadeConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options) : base(FormatterName)
    {
        _options = options.Get(FormatterName);
        _reload = options.OnChange((changed, name) =>
        {
            if (name == FormatterName)
            {
                _options = changed;
            }
        });
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var line = new StringBuilder(128);
        var options = _options;
        if (options.TimestampFormat is { } format)
        {
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            line.Append(now.ToString(format, CultureInfo.InvariantCulture));
        }

        line.Append(LevelName(logEntry.LogLevel)).Append(": ").Append(LogText.Clean(logEntry.Category))
            .Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ");
        if (options.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope(static (scope, builder) => builder.Append("=> ").Append(LogText.Clean(scope?.ToString() ?? "")).Append(' '), line);
        }

        if (message is not null)
        {
            line.Append(LogText.Clean(message));
        }

        if (logEntry.Exception is { } exception)
        {
            // The stack trace stays on the same line (its line breaks escaped): one entry, one line, nothing forged.
            line.Append(' ').Append(LogText.Clean(exception.ToString()));
        }

        line.Append('\n');
        textWriter.Write(line.ToString());
    }

    public void Dispose() => _reload?.Dispose();

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
