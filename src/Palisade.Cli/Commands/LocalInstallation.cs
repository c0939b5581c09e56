using Palisade.Core.Storage;
using Palisade.Storage.Sqlite;

namespace Palisade.Cli.Commands;

/// <summary>
/// Direct access to an installation's store for admin commands. Safe while the server runs on the same folder:
/// SQLite in WAL mode serialises writers, and the server notices changes through the change signal.
/// </summary>
internal sealed class LocalInstallation
{
    private LocalInstallation(SqliteDatabase database)
    {
        Database = database;
        Keys = new SqliteKeyStore(database);
        Whitelist = new SqliteWhitelistStore(database);
        Changes = new SqliteChangeSignal(database);
    }

    public SqliteDatabase Database { get; }

    public IKeyStore Keys { get; }

    public IWhitelistStore Whitelist { get; }

    public IChangeSignal Changes { get; }

    public static async Task<LocalInstallation> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var database = new SqliteDatabase(new SqliteOptions { DataDirectory = dataDirectory });
        await database.MigrateAsync(cancellationToken);
        return new LocalInstallation(database);
    }
}
