using System.Net.Sockets;
using Npgsql;
using Palisade.Core.Storage;
using Palisade.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The shared PostgreSQL database of a multi-node installation: one pooled data source, migrations applied on start
/// under an advisory lock so nodes starting together migrate once.
/// </summary>
public sealed class PostgresDatabase : IStoreLifecycle, IConnectionFactory, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(PostgresOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!options.ConnectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = options.ConnectTimeoutSeconds;
        }

        if (!options.ConnectionString.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.CommandTimeout = options.CommandTimeoutSeconds;
        }

        Description = $"{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>Host, port and database, for logs (never the password).</summary>
    public string Description { get; }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new StoreUnavailableException($"PostgreSQL at {Description} cannot be reached: {ex.Message}", ex);
        }
    }

    async Task<System.Data.Common.DbConnection> IConnectionFactory.OpenConnectionAsync(CancellationToken cancellationToken)
        => await OpenAsync(cancellationToken);

    /// <summary>True for failures that mean "the database is not there right now" rather than a bug.</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true,
        SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>A connection lost during a query (the server restarted or terminated the backend, the network
    /// dropped) fails in the command, not in the open: the same test applies.</summary>
    bool IStoreHealth.IsUnavailable(Exception error) => error is StoreUnavailableException || IsUnavailable(error);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PostgresMigrations.ApplyAsync(connection, cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is StoreUnavailableException or NpgsqlException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
