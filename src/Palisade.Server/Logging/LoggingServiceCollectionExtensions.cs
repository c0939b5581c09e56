using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Palisade.Server.Logging;

/// <summary>
/// Production logging: framework categories at Warning, Palisade's own at Information (a request costs no log line
/// unless the access log is on), every line through <see cref="PalisadeConsoleFormatter"/> (secrets redacted, control
/// characters escaped). The levels are the lowest layer of configuration: the <c>appsettings.json</c> shipped next to
/// the <c>palisade</c> binary, a <c>--config</c> file, and <c>Logging__LogLevel__*</c> environment variables override them.
/// </summary>
public static class LoggingServiceCollectionExtensions
{
    /// <summary>The defaults, also written out in the shipped appsettings.json.</summary>
    public static IReadOnlyDictionary<string, string?> DefaultLevels { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:System"] = "Warning",
        ["Logging:LogLevel:Palisade"] = "Information",
    };

    public static WebApplicationBuilder AddPalisadeLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Below every other source: the host's own appsettings.json, --config, environment and command line win.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultLevels });
        builder.Configuration.Sources.Insert(1, new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.FormatterName = PalisadeConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<PalisadeConsoleFormatter, ConsoleFormatterOptions>();
        RequestDiagnosticsLoggerFactory.Register(builder.Services);
        builder.Services.AddOptions<LoggingOptions>().BindConfiguration(LoggingOptions.Section);
        return builder;
    }

    /// <summary>Adds the access log to the pipeline when <see cref="LoggingOptions.AccessLog"/> is on.</summary>
    public static WebApplication UsePalisadeAccessLog(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<LoggingOptions>>().Value.AccessLog)
        {
            app.UseMiddleware<AccessLogMiddleware>();
        }

        return app;
    }
}
