using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.Operations;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers <c>/metrics</c>' services; settings come from "Palisade:Metrics". Call after the engine and TAXII.</summary>
    public static IServiceCollection AddPalisadeMetrics(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = new MetricsOptions();
            sp.GetService<IConfiguration>()?.GetSection("Palisade:Metrics").Bind(options);
            return options;
        });
        services.AddSingleton<MetricsAccess>();
        services.AddSingleton<Palisade.Core.Reports.IReportFailureLog, ReportFailureLog>();
        services.AddSingleton<MetricsRegistry>();
        return services;
    }
}
