using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Stix;
using Palisade.Core.Storage;
using Palisade.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Redis;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Hosting;

/// <summary>One registration per back end; everything above them sees only Core's interfaces.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddPalisadeSqlite(this IServiceCollection services, PalisadeOptions options)
    {
        services.AddSingleton(_ => new SqliteDatabase(new SqliteOptions { DataDirectory = options.DataDirectory, FullSync = options.FullSync }));
        services.AddSingleton<IStoreLifecycle>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IConnectionFactory>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IKeyStore, SqlKeyStore>();
        services.AddSingleton<IReportStore, SqliteReportStore>();
        services.AddSingleton<IQuotaStore, SqliteQuotaStore>();
        services.AddSingleton<IWhitelistStore, SqlWhitelistStore>();
        services.AddSingleton<IChangeSignal, SqlChangeSignal>();
        // Registered before the engine loader (hosted services start in order): one server per data folder.
        services.AddHostedService<Operations.DataDirectoryGuard>();
        return services;
    }

    public static IServiceCollection AddPalisadePostgres(this IServiceCollection services, PalisadeOptions options)
    {
        // Factories, not instances: the container then disposes them (closing pools) with the host.
        services.AddSingleton(_ => new PostgresDatabase(new PostgresOptions { ConnectionString = options.Postgres! }));
        services.AddSingleton<IStoreLifecycle>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<IConnectionFactory>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.AddSingleton<IKeyStore, SqlKeyStore>();
        services.AddSingleton<IReportStore, PostgresReportStore>();
        services.AddSingleton<IQuotaStore, PostgresQuotaStore>();
        services.AddSingleton<IWhitelistStore, SqlWhitelistStore>();
        services.AddSingleton<IChangeSignal, SqlChangeSignal>();
        services.AddSingleton<PostgresTaxiiStore>();
        services.AddSingleton<ITaxiiStore>(sp => sp.GetRequiredService<PostgresTaxiiStore>());
        return services;
    }

    public static IServiceCollection AddPalisadeRedis(this IServiceCollection services, PalisadeOptions options)
    {
        services.AddSingleton(_ => new RedisConnection(new RedisOptions { Configuration = options.Redis!, KeyPrefix = options.RedisKeyPrefix }));
        services.AddSingleton<RedisQuotaCounter>();
        services.AddSingleton<IQuotaCounter>(sp => sp.GetRequiredService<RedisQuotaCounter>());
        services.AddSingleton<IQuotaJournal>(sp => sp.GetRequiredService<RedisQuotaCounter>());
        services.AddSingleton<IPublicQuotaCounter, RedisPublicQuotaCounter>();
        services.AddSingleton<IAttemptLimiter, RedisAttemptLimiter>();
        services.AddSingleton<RedisReportFeed>();
        services.AddSingleton<IReportFeed>(sp => sp.GetRequiredService<RedisReportFeed>());
        return services;
    }
}
