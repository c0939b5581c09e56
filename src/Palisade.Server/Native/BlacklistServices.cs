using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.Geo;

namespace Palisade.Server.Native;

/// <summary>
/// Registers the geo lookup (<see cref="IGeoLookup"/>) and the blocklist engine (<see cref="BlocklistEngine"/>) that
/// every face shares. Geo data is read from <c>Palisade:GeoDirectory</c>, by default <c>&lt;DataDirectory&gt;/geo</c>.
/// </summary>
public static class BlacklistServices
{
    public static IServiceCollection AddPalisadeGeoAndBlocklists(this IServiceCollection services)
    {
        services.AddSingleton<IGeoLookup>(sp =>
        {
            var configured = sp.GetService<IConfiguration>()?["Palisade:GeoDirectory"];
            var folder = string.IsNullOrWhiteSpace(configured) ? GeoDataFiles.FolderOf(sp.GetRequiredService<PalisadeOptions>().DataDirectory) : configured;
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
        services.AddSingleton<BlocklistEngine>();
        return services;
    }
}
