using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary>The shared servers for cluster tests: always PostgreSQL + Redis, whatever back end the rest of the run uses.</summary>
internal static class ClusterEnvironment
{
    public static string PostgresAdmin => Environment.GetEnvironmentVariable("PALISADE_CLUSTER_POSTGRES")
        ?? throw new InvalidOperationException("PALISADE_CLUSTER_POSTGRES is not set: run the suite with scripts/test.sh, which starts PostgreSQL and Redis.");

    public static string Redis => Environment.GetEnvironmentVariable("PALISADE_CLUSTER_REDIS")
        ?? throw new InvalidOperationException("PALISADE_CLUSTER_REDIS is not set: run the suite with scripts/test.sh, which starts PostgreSQL and Redis.");

    private static string? s_previous;

    /// <summary>A new database for one cluster test. Cluster tests run one at a time, so the previous test's database is
    /// dropped here: it would otherwise stay on disk until the run ends (about 8 MB each).</summary>
    public static async Task<string> FreshDatabaseAsync()
    {
        var name = "c_" + Guid.NewGuid().ToString("N")[..16];
        // Unpooled: the fault tests restart PostgreSQL, which leaves pooled connections dead (57P01 on first use).
        await using var admin = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(PostgresAdmin) { Pooling = false }.ToString());
        await admin.OpenAsync();
        if (Interlocked.Exchange(ref s_previous, name) is { } previous)
        {
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{previous}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name }.ToString();
    }

    /// <summary>Arguments that make a <c>palisade serve</c> a node of the cluster on this database. With
    /// <paramref name="patient"/> the node waits as long for Redis and PostgreSQL as the rest of the suite does
    /// (TestBackend.Redis): the product's 2 s and 3 s connect timeouts answer 503 when two nodes, both servers and the
    /// tests share a starved machine; the fault tests keep them, since they check what an outage answers.</summary>
    public static string[] NodeArguments(string connection, bool patient = false) => patient
        ? ["--postgres", new Npgsql.NpgsqlConnectionStringBuilder(connection) { Timeout = 30 }.ToString(),
            "--redis", Redis + ",connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000"]
        : ["--postgres", connection, "--redis", Redis];

    /// <summary>Environment giving a cluster its own Redis key prefix.</summary>
    public static Dictionary<string, string> NodeEnvironment(string prefix) => new() { ["PALISADE_Palisade__RedisKeyPrefix"] = prefix };

    public static Task StopPostgresAsync() => RepositoryScripts.RunAsync("scripts/test-services.sh", "stop-postgres");

    public static Task StartPostgresAsync() => RepositoryScripts.RunAsync("scripts/test-services.sh", "start-postgres");

    public static Task StopRedisAsync() => RepositoryScripts.RunAsync("scripts/test-services.sh", "stop-redis");

    public static Task StartRedisAsync() => RepositoryScripts.RunAsync("scripts/test-services.sh", "start-redis");
}
