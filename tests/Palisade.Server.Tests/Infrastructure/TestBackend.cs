using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Palisade.Server.Tests.Infrastructure;

/// <summary>
/// Which back end the suite runs on. By default the embedded SQLite store; with PALISADE_TEST_POSTGRES (an admin
/// connection string) and PALISADE_TEST_REDIS ("host:port") set — scripts/test.sh starts both servers — the same tests
/// run on PostgreSQL + Redis. Each data folder maps to its own database and Redis key prefix, so tests stay isolated
/// and a restart on the same folder finds the same data.
/// </summary>
public static class TestBackend
{
    public static string? PostgresAdmin { get; } = Environment.GetEnvironmentVariable("PALISADE_TEST_POSTGRES");

    /// <summary>The Redis configuration string, with timeouts long enough for a loaded CI machine (the product's 2 s
    /// default answers 503 there when the test process is starved, which is not what these tests are about).</summary>
    public static string? Redis { get; } = Environment.GetEnvironmentVariable("PALISADE_TEST_REDIS") is { Length: > 0 } redis
        ? redis + ",connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000"
        : null;

    public static bool IsPostgres => !string.IsNullOrEmpty(PostgresAdmin);

    public static string Name => IsPostgres ? "postgres+redis" : "sqlite";

    public static string DatabaseName(string dataDirectory)
        => "p_" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16].ToLowerInvariant();

    public static string RedisPrefix(string dataDirectory) => "test:" + DatabaseName(dataDirectory) + ":";

    /// <summary>The application's connection string for this data folder, creating its database on first use.</summary>
    public static string ConnectionStringFor(string dataDirectory)
    {
        var name = DatabaseName(dataDirectory);
        using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            admin.Open();
            using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin);
            exists.Parameters.AddWithValue("name", name);
            if ((long)exists.ExecuteScalar()! == 0)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                create.ExecuteNonQuery();
            }
        }

        // A long connect timeout (the product's default is 3 s): on a loaded CI machine opening a backend can take longer.
        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Timeout = 30 }.ToString();
    }

    /// <summary>Drops the database of a data folder, if this run made one (closing what still holds it).</summary>
    public static void DropDatabase(string dataDirectory)
    {
        if (!IsPostgres)
        {
            return;
        }

        try
        {
            using var admin = new NpgsqlConnection(PostgresAdmin);
            admin.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName(dataDirectory)}\" WITH (FORCE)", admin);
            drop.ExecuteNonQuery();
        }
        catch (NpgsqlException e)
        {
            // Clean-up only: a database left behind costs disk, not correctness.
            Console.Error.WriteLine($"Could not drop the test database of {dataDirectory}: {e.Message}");
        }
    }

    /// <summary>A connection of the test's own to the store behind a data folder (SQLite without pooling, so no file stays open).</summary>
    public static async Task<DbConnection> OpenDatabaseAsync(string dataDirectory)
    {
        DbConnection connection = IsPostgres
            ? new NpgsqlConnection(ConnectionStringFor(dataDirectory))
            : new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "palisade.db")};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Makes the store unreachable until the returned handle is disposed.</summary>
    public static async Task<IAsyncDisposable> OutageAsync(string dataDirectory)
    {
        if (!IsPostgres)
        {
            var file = Path.Combine(dataDirectory, "palisade.db");
            File.Move(file, file + ".away");
            return new Restore(() =>
            {
                File.Move(file + ".away", file);
                return Task.CompletedTask;
            });
        }

        var name = DatabaseName(dataDirectory);
        await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        // pg_terminate_backend only signals unless given a timeout: an idle pooled backend could still answer one
        // query before it exits (CI saw a key lookup succeed during the "outage"). Wait for each to exit, and repeat
        // until none is left (a connection that was starting when connections were refused shows up a moment later).
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = @name) t", admin);
            command.Parameters.AddWithValue("name", name);
            if ((long)(await command.ExecuteScalarAsync() ?? 0L) == 0)
            {
                break;
            }
        }

        return new Restore(() => AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"));
    }

    /// <summary>Every text value the store holds about keys: to prove secrets are not among them.</summary>
    public static async Task<string> DumpKeyTableAsync(string dataDirectory)
    {
        if (!IsPostgres)
        {
            return Encoding.ASCII.GetString(await File.ReadAllBytesAsync(Path.Combine(dataDirectory, "palisade.db")));
        }

        await using var connection = new NpgsqlConnection(ConnectionStringFor(dataDirectory));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(t::text, E'\\n') FROM api_keys t", connection);
        return (string)(await command.ExecuteScalarAsync() ?? "");
    }

    private static async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(PostgresAdmin);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Restore(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}
