using Microsoft.Data.Sqlite;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Tests.Storage;

/// <summary>The embedded database's background checkpoint (<see cref="SqliteDatabase.Checkpoint"/>) while a writer
/// keeps committing under the write gate, as the report writer does under load.</summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TempDirectory.Delete(_data);
    }

    [Fact]
    public async Task Under_a_steady_stream_of_commits_a_checkpoint_past_the_mark_brings_the_WAL_back_to_its_start_and_loses_nothing()
    {
        var database = new SqliteDatabase(new SqliteOptions { DataDirectory = _data });
        await database.MigrateAsync(CancellationToken.None);
        await using (var setup = await database.OpenAsync(CancellationToken.None))
        {
            await ExecuteAsync(setup, "CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
        }

        using var stop = new CancellationTokenSource();
        var committed = 0;
        // Commits the writer may still make: unbounded until the checkpoint, then a few, so that what the WAL holds when
        // it is looked at does not depend on how long this test's thread took to look (on a busy machine it was
        // thousands of pages later).
        var allowed = int.MaxValue;
        var writer = Task.Run(async () =>
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            while (!stop.IsCancellationRequested)
            {
                if (Volatile.Read(ref allowed) <= 0)
                {
                    await Task.Delay(5);
                    continue;
                }

                Interlocked.Decrement(ref allowed);
                await database.WriteGate.WaitAsync(CancellationToken.None);
                try
                {
                    await ExecuteAsync(connection, "INSERT INTO scratch (body) VALUES (randomblob(6000))");
                    Interlocked.Increment(ref committed);
                }
                finally
                {
                    database.WriteGate.Release();
                }
            }
        });

        try
        {
            // Checkpoints beside the writer until one finds the WAL past the mark and brings it back.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            (long Pages, long Copied) checkpoint;
            do
            {
                Assert.True(DateTime.UtcNow < deadline, "the WAL never reached the restart mark");
                await Task.Delay(20);
                checkpoint = database.Checkpoint();
            }
            while (checkpoint.Pages < SqliteDatabase.RestartPages);

            Assert.Equal(checkpoint.Pages, checkpoint.Copied);

            // The writer's next commits start the WAL from its beginning: it holds only what came after, not the mark's
            // thousands of pages plus more.
            var after = Volatile.Read(ref committed);
            Volatile.Write(ref allowed, 20); // at most one more was on its way besides
            while (Volatile.Read(ref committed) < after + 20)
            {
                Assert.True(DateTime.UtcNow < deadline, "the writer stopped committing");
                await Task.Delay(5);
            }

            await using var probe = await database.OpenAsync(CancellationToken.None);
            Assert.True(await WalPagesAsync(probe) < SqliteDatabase.RestartPages / 2, "the WAL was not restarted");
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        await using var check = await database.OpenAsync(CancellationToken.None);
        Assert.Equal((long)committed, (long)(await ScalarAsync(check, "SELECT count(*) FROM scratch"))!);
        Assert.Equal("ok", (string?)await ScalarAsync(check, "PRAGMA integrity_check"));
    }

    private static async Task<long> WalPagesAsync(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetInt64(1);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
