using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Server.Hosting;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the engine over its store — embedded SQLite by default, PostgreSQL when configured — with quota
    /// counters in process (single node) or in Redis (several nodes), and the background jobs that keep it in shape.
    /// </summary>
    public static IServiceCollection AddPalisadeEngine(this IServiceCollection services, PalisadeOptions options, IClock? clock = null)
    {
        // The container's PalisadeOptions come from the options tree (AddPalisadeOptions); these only choose the registrations.
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(clock ?? SystemClock.Instance);
        if (string.IsNullOrWhiteSpace(options.Postgres))
        {
            services.AddPalisadeSqlite(options);
        }
        else
        {
            services.AddPalisadePostgres(options);
        }

        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            services.AddSingleton<InMemoryQuotaCounter>();
            services.AddSingleton<IQuotaCounter>(sp => sp.GetRequiredService<InMemoryQuotaCounter>());
            services.AddSingleton<IQuotaJournal>(sp => sp.GetRequiredService<InMemoryQuotaCounter>());
            services.AddSingleton<IReportFeed, SingleNodeReportFeed>();
            services.AddSingleton<IPublicQuotaCounter, PublicQuotaCounter>();
            services.AddSingleton<IAttemptLimiter, InMemoryAttemptLimiter>();
        }
        else
        {
            services.AddPalisadeRedis(options);
        }

        services.AddSingleton(sp => TierConfiguration.Build(sp.GetRequiredService<PalisadeOptions>().Tiers));
        services.AddSingleton<KeyRing>();
        services.AddSingleton(sp => new WhitelistProvider(BuiltInWhitelist.Load()));
        services.AddSingleton(sp => new ScoreCalculator(sp.GetRequiredService<PalisadeOptions>().Scoring));
        services.AddSingleton(sp => sp.GetRequiredService<PalisadeOptions>().Reputation);
        services.AddSingleton<ReputationIndex>();
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger<ReportHistory>();
            return new ReportHistory(sp.GetRequiredService<IReportStore>(), sp.GetRequiredService<ReputationIndex>(), sp.GetRequiredService<IClock>(),
                e => logger.LogWarning(e, "Reports for a verbose answer could not be read from the store; answers go without them for {Seconds} s",
                    ReportHistory.PauseAfterFailure.TotalSeconds));
        });
        services.AddPalisadeGeoAndBlocklists();
        services.AddSingleton<ReportService>();
        services.AddSingleton<RetentionJob>();

        // Order matters: the loader must finish before the server accepts requests.
        services.AddSingleton<IndexSnapshotFile>();
        services.AddSingleton<StartupLoads>();
        services.AddSingleton<SavedFullList>();
        services.AddHostedService<EngineLoader>();
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            services.AddHostedService<ClusterSyncService>();
        }

        services.AddHostedService<QuotaFlushService>();
        services.AddSingleton<ChangeWatchService>(); // the loader notes where its watch starts
        services.AddHostedService(static provider => provider.GetRequiredService<ChangeWatchService>());
        services.AddHostedService<RetentionService>();
        services.AddHostedService<BlocklistRefreshService>();
        services.AddHostedService<IndexSnapshotService>();
        Trust.TrustServiceCollectionExtensions.AddPalisadeTrust(services);
        return services;
    }
}
