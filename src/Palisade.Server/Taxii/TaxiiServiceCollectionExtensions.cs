using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Palisade.Core.Reputation;
using Palisade.Core.Stix;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Taxii;

public static class TaxiiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the STIX publisher and the TAXII server's services; settings come from "Palisade:Taxii". Call after
    /// the engine: the publisher's start must follow the engine loader's.
    /// </summary>
    public static IServiceCollection AddPalisadeTaxii(this IServiceCollection services)
    {
        services.AddSingleton(sp => Bind<StixOptions>(sp));
        services.AddSingleton(sp => Bind<TaxiiOptions>(sp));

        // The version log lives beside the engine's SQLite tables. With another store and no TAXII store of its own
        // yet, it keeps an SQLite file in the data folder (one node).
        services.TryAddSingleton<ITaxiiStore>(sp => sp.GetService<SqliteDatabase>() is { } database
            ? new SqliteTaxiiStore(database)
            : new SqliteTaxiiStore(new SqliteDatabase(new SqliteOptions { DataDirectory = sp.GetRequiredService<PalisadeOptions>().DataDirectory }), migrate: true));
        services.AddSingleton(sp => new StixPublisher(sp.GetRequiredService<ReputationIndex>(), sp.GetRequiredService<WhitelistProvider>(),
            sp.GetRequiredService<ITaxiiStore>(), sp.GetRequiredService<StixOptions>(), sp.GetRequiredService<IClock>()));
        services.AddSingleton<TaxiiCursorCodec>();
        services.AddSingleton<TaxiiPageRequestParser>();
        services.AddHostedService<TaxiiPublisherService>();
        return services;
    }

    private static T Bind<T>(IServiceProvider services) where T : new()
    {
        var options = new T();
        services.GetService<IConfiguration>()?.GetSection("Palisade:Taxii").Bind(options);
        return options;
    }
}
