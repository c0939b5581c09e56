using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Palisade.Server.Logging;

/// <summary>
/// ASP.NET Core's hosting layer starts an <c>Activity</c> and a logging scope (RequestId, RequestPath, TraceId) for every
/// request as soon as its logger, <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>, answers <c>IsEnabled(Critical)</c>,
/// even when nothing reads them: at Palisade's levels (Microsoft at Warning) that category writes nothing per request,
/// and the console formatter prints scopes only with <c>IncludeScopes</c>. That work was ~820 of the ~1,400 bytes a
/// check allocated (docs/performance.md, "Session 10 (h/check)"). This factory hands the hosting layer a logger that
/// says it is off while the server is serving, unless the category logs requests (Information or lower) or a log
/// provider shows scopes; its entries are still written as before (<see cref="ILogger.Log{TState}"/> passes through and
/// the configured levels decide), start-up included. An <c>ActivityListener</c> (tracing) still gets the request
/// activity: the hosting layer creates it for listeners regardless of logging.
/// </summary>
internal sealed class RequestDiagnosticsLoggerFactory(LoggerFactory inner, IServiceProvider services) : ILoggerFactory
{
    /// <summary>The hosting layer's per-request logger category.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private IHostApplicationLifetime? _lifetime;
    private IOptionsMonitor<ConsoleLoggerOptions>? _console;
    private IOptionsMonitor<ConsoleFormatterOptions>? _formatter;
    private bool? _otherScopeProviders;
    private bool _serving;

    /// <summary>Registers the factory in place of the host's (the same <see cref="LoggerFactory"/> behind it).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<LoggerFactory>();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new RequestDiagnosticsLoggerFactory(
            provider.GetRequiredService<LoggerFactory>(), provider)));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return string.Equals(categoryName, HostingCategory, StringComparison.Ordinal) ? new HostingLogger(logger, this) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The container created the inner factory and disposes it.
    public void Dispose()
    {
    }

    /// <summary>True while serving when nothing would read the hosting layer's request scope or log lines.</summary>
    private bool RequestDiagnosticsUnused(ILogger hosting)
    {
        if (!_serving)
        {
            _lifetime ??= services.GetService<IHostApplicationLifetime>();
            if (_lifetime is null || !_lifetime.ApplicationStarted.IsCancellationRequested)
            {
                return false;
            }

            _serving = true;
        }

        return !hosting.IsEnabled(LogLevel.Information) && !ScopesShown();
    }

    // Asked on every request: the answer is kept with the count of console option changes it was read at, and holds while
    // that count does (the options monitors hand out the same cached values until a change, and tell their listeners).
    private bool ScopesShown()
    {
        var kept = Volatile.Read(ref _scopesShown);
        if (kept >= 0 && kept >> 1 == Volatile.Read(ref _optionChanges))
        {
            return (kept & 1) == 1;
        }

        if (!_listening)
        {
            _console ??= services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>();
            _formatter ??= services.GetRequiredService<IOptionsMonitor<ConsoleFormatterOptions>>();
            _ = _console.OnChange(_ => Interlocked.Increment(ref _optionChanges));
            _ = _formatter.OnChange((_, _) => Interlocked.Increment(ref _optionChanges));
            _listening = true;
        }

        var changes = Volatile.Read(ref _optionChanges);
        var shown = ReadScopesShown();
        Volatile.Write(ref _scopesShown, changes << 1 | (shown ? 1L : 0L));
        return shown;
    }

    private long _scopesShown = -1;
    private long _optionChanges;
    private bool _listening;

    private bool ReadScopesShown()
    {
        _otherScopeProviders ??= services.GetServices<ILoggerProvider>().Any(p => p is ISupportExternalScope && p is not ConsoleLoggerProvider);
        if (_otherScopeProviders.Value)
        {
            return true;
        }

        _console ??= services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>();
        if (!string.Equals(_console.CurrentValue.FormatterName, PalisadeConsoleFormatter.FormatterName, StringComparison.Ordinal))
        {
            return true; // another formatter: its own options decide; keep the scopes
        }

        _formatter ??= services.GetRequiredService<IOptionsMonitor<ConsoleFormatterOptions>>();
        return _formatter.Get(PalisadeConsoleFormatter.FormatterName).IncludeScopes;
    }

    private sealed class HostingLogger(ILogger inner, RequestDiagnosticsLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) && !owner.RequestDiagnosticsUnused(inner);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
