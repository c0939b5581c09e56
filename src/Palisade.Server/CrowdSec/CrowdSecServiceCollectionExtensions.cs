using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.CrowdSec;

/// <summary>Registers the CrowdSec face's settings and its decision list.</summary>
public static class CrowdSecServiceCollectionExtensions
{
    /// <summary>Settings from "Palisade:CrowdSec" (checked at start); the decision list and the bouncers' stream cursors.</summary>
    public static IServiceCollection AddPalisadeCrowdSec(this IServiceCollection services)
    {
        services.AddPalisadeSection<CrowdSecOptions>(CrowdSecOptions.Section);
        services.AddSingleton<CrowdSecDecisions>();
        return services;
    }
}
