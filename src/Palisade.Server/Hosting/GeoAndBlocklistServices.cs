using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.Geo;
using Palisade.Core.Reputation;
using Palisade.Core.Time;

namespace Palisade.Server.Hosting;

/// <summary>
/// Registers the geo lookup (<see cref="IGeoLookup"/>) and the blocklist engine (<see cref="BlocklistEngine"/>) that
/// every face shares. Geo data is read from <see cref="PalisadeOptions.GeoDirectory"/>, by default <c>&lt;DataDirectory&gt;/geo</c>.
/// </summary>
internal static class GeoAndBlocklistServices
{
    public static IServiceCollection AddPalisadeGeoAndBlocklists(this IServiceCollection services)
    {
        services.AddSingleton<IGeoLookup>(sp =>
        {
            var options = sp.GetRequiredService<PalisadeOptions>();
            var folder = string.IsNullOrWhiteSpace(options.GeoDirectory) ? GeoDataFiles.FolderOf(options.DataDirectory) : options.GeoDirectory;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Palisade.Geo");
            try
            {
                var lookup = GeoDatabase.Open(folder);
                if (lookup.IsAvailable)
                {
                    logger.LogInformation("Geo data loaded from {Folder}, built {BuildDate:yyyy-MM-dd}", folder, lookup.Data.BuildDate);
                }
                else
                {
                    logger.LogInformation("No geo data in {Folder}; checks and blocklists carry no country or AS (run: palisade geo install)", folder);
                }

                return lookup;
            }
            catch (InvalidDataException ex)
            {
                logger.LogError(ex, "Geo data in {Folder} is unreadable; continuing without it", folder);
                return new EmptyGeoLookup(folder);
            }
        });
        // The first build's helper threads give way to requests as the background thread does (BackgroundThread.Yield).
        services.AddSingleton(provider => new BlocklistEngine(provider.GetRequiredService<ReputationIndex>(), provider.GetRequiredService<IGeoLookup>(),
            provider.GetRequiredService<IClock>(), provider.GetRequiredService<PalisadeOptions>().BlocklistRenderCacheBytes)
        {
            HelperStarting = () => BackgroundThread.Yield(),
        });
        return services;
    }
}
