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
        services.AddPalisadeSection<AlertOptions>(AlertOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Palisade:Alerts:PollInterval must be a positive duration.")
            .Validate(o => o.RetryBaseDelay > TimeSpan.Zero, "Palisade:Alerts:RetryBaseDelay must be a positive duration.")
            .Validate(o => o.MaxRetryDelay >= o.RetryBaseDelay, "Palisade:Alerts:MaxRetryDelay must be at least Palisade:Alerts:RetryBaseDelay.")
            .Validate(o => o.WebhookTimeout > TimeSpan.Zero, "Palisade:Alerts:WebhookTimeout must be a positive duration.")
            .Validate(o => o.ReloadInterval > TimeSpan.Zero, "Palisade:Alerts:ReloadInterval must be a positive duration.")
            .Validate(o => o.DeliveryRetention > TimeSpan.Zero, "Palisade:Alerts:DeliveryRetention must be a positive duration.");
        services.AddPalisadeSection<SmtpOptions>(SmtpOptions.Section)
            .Validate(o => o.Security is "StartTls" or "SslOnConnect" or "None", "Palisade:Smtp:Security must be StartTls, SslOnConnect or None.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Palisade:Smtp:Timeout must be a positive duration.");
        services.AddSingleton<IAlertStore>(sp => new SqlAlertStore(sp.GetRequiredService<IConnectionFactory>()));
        services.AddSingleton<AlertRegistry>();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddSingleton<IReportObserver, AlertReportObserver>();
        services.AddSingleton<IAlertDispatcher, SmtpAlertDispatcher>();
        services.AddSingleton<IAlertDispatcher, WebhookAlertDispatcher>();
        services.AddHostedService<AlertDeliveryService>();
        return services;
    }
}
