using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Palisade.Core.Quotas;
using Palisade.Server.AbuseIpdb;
using Palisade.Server.Alerts;
using Palisade.Server.CrowdSec;
using Palisade.Server.Dashboard;
using Palisade.Server.IpSwamp;
using Palisade.Server.Logging;
using Palisade.Server.ReportedIp;
using Scalar.AspNetCore;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Hosting;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Native;
using Palisade.Server.Operations;
using Palisade.Server.Proxies;
using Palisade.Server.Sensors;
using Palisade.Server.Taxii;

namespace Palisade.Server;

/// <summary>Builds the Palisade web application: the engine, its background jobs and every API face.</summary>
public static class PalisadeServer
{
    /// <param name="args">Command-line configuration (e.g. --Palisade:DataDirectory=…).</param>
    /// <param name="configure">Last say over options (the CLI's flags, tests).</param>
    /// <param name="clock">A fake clock for tests.</param>
    /// <param name="urls">Addresses to listen on.</param>
    /// <param name="configFile">A JSON configuration file.</param>
    public static WebApplication Build(string[] args, Action<PalisadeOptions>? configure = null, IClock? clock = null, IEnumerable<string>? urls = null,
        string? configFile = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("PALISADE_");
        builder.Services.AddPalisadeOptions(configure);
        // Which store, counters and data folder to register depends on the settings, so they are also read here, once.
        var options = PalisadeOptionsRegistration.ReadForRegistration(builder.Configuration, configure);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<PalisadeOptions>>((kestrel, palisade) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = palisade.Value.MaxRequestBodyBytes;
        });
        if (urls is not null)
        {
            builder.WebHost.UseUrls([.. urls]);
        }

        builder.AddPalisadeLogging();
        builder.Services.AddPalisadeEngine(options, clock);
        builder.Services.AddPalisadeTaxii();
        builder.Services.AddPalisadeCrowdSec();
        builder.Services.AddPalisadeMetrics();
        builder.Services.AddPalisadeAlerts();
        builder.Services.AddSingleton<SensorRegistry>();
        builder.Services.AddPalisadeDashboard(builder.Configuration, options);
        builder.Services.AddPalisadeForwardedHeaders();
        builder.Services.AddOpenApi(Operations.OpenApiDocumentInfo.Configure);

        var app = builder.Build();
        UseDashboardAuthentication(app);
        app.UsePalisadeForwardedHeaders();
        app.UsePalisadeAccessLog();
        app.UsePalisadeMetrics();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = FaceErrorHandler.WriteAsync,
            // A client's own fault (a body cut short by a hang-up, malformed JSON) is answered 4xx and is not an error of
            // the server: no "fail" line with a stack trace per aborted upload. Everything else is still logged.
            SuppressDiagnosticsCallback = context => FaceErrorHandler.IsClientFault(context.Exception),
        });
        app.Use(RequestFraming.GuardAsync);
        app.Use(CollapseLeadingSlashes);
        app.UseRouting();
        app.MapHealthApi();
        app.MapMetricsApi();
        app.MapBenchmarkApi();
        app.MapNativeApi();
        app.MapAlertsApi();
        app.MapNativeBlacklistApi();
        app.MapNativeBulkApi();
        app.MapTaxiiApi();
        app.MapAbuseIpdbApi();
        app.MapReportedIpApi();
        app.MapIpSwampApi();
        app.MapIpSwampHoneypotApi();
        app.MapSensorApi();
        app.MapCrowdSecApi();
        app.MapDashboard();

        // The API reference: the OpenAPI document and a browsable page served from this process (no CDN).
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }

    /// <summary>
    /// ASP.NET Core puts the authentication middleware in front of every request once authentication services are
    /// registered (here only for the dashboard's session cookie). No scheme is the default (see
    /// AddPalisadeDashboard) and the dashboard reads its cookie itself, so on API requests that middleware only created
    /// a service scope and a handler provider per request. It now runs where it did (first), for dashboard paths only.
    /// </summary>
    private static void UseDashboardAuthentication(WebApplication app)
    {
        // The key UseAuthentication sets; WebApplication then does not add the middleware again for every request.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseWhen(static http => IsDashboardPath(http.Request.Path), static dashboard => dashboard.UseAuthentication());
    }

    // "/dashboard", "/dashboard/…" and "//dashboard/…" (leading slashes are collapsed later in the pipeline).
    internal static bool IsDashboardPath(PathString path)
    {
        var rest = path.Value.AsSpan().TrimStart('/');
        const string Segment = "dashboard";
        return rest.StartsWith(Segment, StringComparison.OrdinalIgnoreCase) && (rest.Length == Segment.Length || rest[Segment.Length] == '/');
    }

    // SikkerAPI's client builds "base + /v1/…", so a base URL ending in '/' sends "//v1/…"; serve it, do not redirect.
    private static Task CollapseLeadingSlashes(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value;
        if (path is { Length: > 1 } && path[1] == '/')
        {
            context.Request.Path = new PathString("/" + path.TrimStart('/'));
        }

        return next(context);
    }
}
