using Palisade.Core.Storage;
using Palisade.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;

namespace Palisade.Cli.Commands;

/// <summary>
/// Direct access to an installation's store for admin commands: the SQLite database in the data folder, or the
/// shared PostgreSQL database. Safe while servers run: SQLite in WAL mode serialises writers, and servers notice
/// changes through the change signal.
/// </summary>
internal sealed class LocalInstallation
{
    private LocalInstallation(IStoreLifecycle database, IKeyStore keys, IWhitelistStore whitelist, IChangeSignal changes, IReportStore reports)
    {
        Reports = reports;
        Database = database;
        Keys = keys;
        Whitelist = whitelist;
        Changes = changes;
    }

    public IStoreLifecycle Database { get; }

    public IKeyStore Keys { get; }

    public IWhitelistStore Whitelist { get; }

    public IChangeSignal Changes { get; }

    public IReportStore Reports { get; }

    public static async Task<LocalInstallation> OpenAsync(string dataDirectory, string? postgres, CancellationToken cancellationToken)
    {
        LocalInstallation installation;
        if (string.IsNullOrWhiteSpace(postgres))
        {
            var sqlite = new SqliteDatabase(new SqliteOptions { DataDirectory = dataDirectory });
            installation = new LocalInstallation(sqlite, new SqlKeyStore(sqlite), new SqlWhitelistStore(sqlite), new SqlChangeSignal(sqlite), new SqliteReportStore(sqlite));
        }
        else
        {
            var pg = new PostgresDatabase(new PostgresOptions { ConnectionString = postgres });
            installation = new LocalInstallation(pg, new SqlKeyStore(pg), new SqlWhitelistStore(pg), new SqlChangeSignal(pg), new PostgresReportStore(pg));
        }

        await installation.Database.MigrateAsync(cancellationToken);
        return installation;
    }
}
