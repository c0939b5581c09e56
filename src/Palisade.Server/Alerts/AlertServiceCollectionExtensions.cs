using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Alerts;
using Palisade.Core.Reports;
using Palisade.Storage;

namespace Palisade.Server.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Registers alerts: the store (same SQL on SQLite and PostgreSQL), the report observer that records matches, the
    /// e-mail and webhook dispatchers and the delivery service. Settings come from "Palisade:Alerts" and "Palisade:Smtp".
    /// </summary>
    public static IServiceCollection AddPalisadeAlerts(this IServiceCollection services)
    {
        services.AddSingleton(sp => Bind<AlertOptions>(sp, "Palisade:Alerts"));
        services.AddSingleton(sp => Bind<SmtpOptions>(sp, "Palisade:Smtp"));
        services.AddSingleton<IAlertStore>(sp => new SqlAlertStore(sp.GetRequiredService<IConnectionFactory>()));
        services.AddSingleton<AlertRegistry>();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddSingleton<IReportObserver, AlertReportObserver>();
        services.AddSingleton<IAlertDispatcher, SmtpAlertDispatcher>();
        services.AddSingleton<IAlertDispatcher, WebhookAlertDispatcher>();
        services.AddHostedService<AlertDeliveryService>();
        return services;
    }

    private static T Bind<T>(IServiceProvider services, string section) where T : new()
    {
        var options = new T();
        services.GetService<IConfiguration>()?.GetSection(section).Bind(options);
        return options;
    }
}
