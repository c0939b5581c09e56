using Microsoft.Data.Sqlite;
using Npgsql;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Cluster;

/// <summary><c>palisade migrate</c> of an installation whose SQLite rows hold NUL characters (stored before NUL was
/// removed on input): the rows are carried, cleaned, instead of aborting PostgreSQL's COPY.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class MigrateNulTests : IDisposable
{
    private readonly string _sqlite = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_sqlite);

    [Fact]
    public async Task Rows_with_nul_characters_are_copied_without_them()
    {
        var key = (await PalisadeProcess.RunAsync("keys", "create", "--data", _sqlite, "--postgres", "", "--name", "reporter", "--tier", "enterprise")).Stdout.Trim();
        using (var single = await PalisadeProcess.ServeAsync(_sqlite, ["--postgres", ""]))
        {
            using var client = new HttpClient { BaseAddress = single.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
            for (var i = 1; i <= 5; i++)
            {
                (await client.PostJsonAsync("/v1/key/report", new { ip = $"45.33.81.{i}", category = "brute_force", comment = "c" + i, username = "u" + i })).EnsureSuccessStatusCode();
            }
        }

        // What an older version stored: NUL inside a comment and a username.
        await using (var sqlite = new SqliteConnection($"Data Source={Path.Combine(_sqlite, "palisade.db")};Pooling=false"))
        {
            await sqlite.OpenAsync();
            await using var poison = sqlite.CreateCommand();
            poison.CommandText = "UPDATE reports SET comment = 'be' || char(0) || 'fore', username = 'ro' || char(0) || 'ot' WHERE address = '45.33.81.3'";
            Assert.Equal(1, await poison.ExecuteNonQueryAsync());
        }

        var connection = await ClusterEnvironment.FreshDatabaseAsync();
        var migrated = await PalisadeProcess.RunAsync("migrate", "--from", "sqlite:" + _sqlite, "--to", "postgres:" + connection);
        Assert.True(migrated.ExitCode == 0, migrated.Stderr);
        Assert.Contains("5 reports copied", migrated.Stderr, StringComparison.Ordinal);

        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT comment, username FROM reports WHERE address = '45.33.81.3'", db);
        await using var row = await read.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal("before", row.GetString(0));
        Assert.Equal("root", row.GetString(1));
    }
}
