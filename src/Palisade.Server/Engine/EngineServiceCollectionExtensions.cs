using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>Registers the engine over the embedded SQLite store, and the background jobs that keep it in shape.</summary>
    public static IServiceCollection AddPalisadeEngine(this IServiceCollection services, IClock? clock = null)
    {
        services.AddSingleton(clock ?? SystemClock.Instance);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PalisadeOptions>>().Value);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<PalisadeOptions>();
            return new SqliteDatabase(new SqliteOptions { DataDirectory = options.DataDirectory, FullSync = options.FullSync });
        });
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IKeyStore, SqliteKeyStore>();
        services.AddSingleton<IReportStore, SqliteReportStore>();
        services.AddSingleton<IQuotaStore, SqliteQuotaStore>();
        services.AddSingleton<IWhitelistStore, SqliteWhitelistStore>();
        services.AddSingleton<IChangeSignal, SqliteChangeSignal>();

        services.AddSingleton(sp => TierConfiguration.Build(sp.GetRequiredService<PalisadeOptions>().Tiers));
        services.AddSingleton<KeyRing>();
        services.AddSingleton<InMemoryQuotaCounter>();
        services.AddSingleton<IQuotaCounter>(sp => sp.GetRequiredService<InMemoryQuotaCounter>());
        services.AddSingleton(sp => new WhitelistProvider(BuiltInWhitelist.Load()));
        services.AddSingleton(sp => new ScoreCalculator(sp.GetRequiredService<PalisadeOptions>().Scoring));
        services.AddSingleton(sp => sp.GetRequiredService<PalisadeOptions>().Reputation);
        services.AddSingleton<ReputationIndex>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<RetentionJob>();

        // Order matters: the loader must finish before the server accepts requests.
        services.AddHostedService<EngineLoader>();
        services.AddHostedService<QuotaFlushService>();
        services.AddHostedService<ChangeWatchService>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
