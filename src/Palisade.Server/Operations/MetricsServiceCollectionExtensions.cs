using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.Operations;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers <c>/metrics</c>' services; settings come from "Palisade:Metrics". Call after the engine and TAXII.</summary>
    public static IServiceCollection AddPalisadeMetrics(this IServiceCollection services)
    {
        services.AddPalisadeSection<MetricsOptions>(MetricsOptions.Section)
            .Validate(o => o.StoreCheckInterval > TimeSpan.Zero, "Palisade:Metrics:StoreCheckInterval must be a positive duration.");
        services.AddSingleton<MetricsAccess>();
        services.AddSingleton<Palisade.Core.Reports.IReportFailureLog, ReportFailureLog>();
        services.AddSingleton<MetricsRegistry>();
        return services;
    }
}
