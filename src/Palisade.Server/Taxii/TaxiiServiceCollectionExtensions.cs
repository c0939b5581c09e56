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
        // The publisher's settings (Core) and the server's share the section.
        services.AddPalisadeSection<StixOptions>(TaxiiOptions.Section)
            .Validate(o => o.Validity > TimeSpan.Zero && o.Validity <= TimeSpan.FromDays(3650), "Palisade:Taxii:Validity must be a positive duration of at most 3650 days.")
            .Validate(o => o.ExtensionStep > TimeSpan.Zero, "Palisade:Taxii:ExtensionStep must be a positive duration.")
            .Validate(o => o.MinimumScore is >= 0 and <= 100, "Palisade:Taxii:MinimumScore must be 0 to 100.")
            .Validate(o => o.RescanInterval > TimeSpan.Zero, "Palisade:Taxii:RescanInterval must be a positive duration.")
            .Validate(o => o.MaxLabels >= 0, "Palisade:Taxii:MaxLabels must be 0 or more.");
        services.AddPalisadeSection<TaxiiOptions>(TaxiiOptions.Section)
            .Validate(o => o.DefaultPageSize <= o.MaxPageSize, "Palisade:Taxii:DefaultPageSize must not exceed Palisade:Taxii:MaxPageSize.");

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
        services.AddHostedService<Hosting.FirstReadsWarmup>();
        return services;
    }
}
