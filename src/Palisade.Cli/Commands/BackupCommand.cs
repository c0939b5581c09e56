using System.CommandLine;
using Microsoft.Data.Sqlite;
using Palisade.Storage.Sqlite;

namespace Palisade.Cli.Commands;

/// <summary>
/// <c>palisade backup --data DIR --to FILE</c>: a consistent copy of the embedded database, taken with SQLite's online
/// backup while the server keeps running, then checked with <c>PRAGMA integrity_check</c>. Restore by stopping the
/// server and putting the copy in place as <c>palisade.db</c>. PostgreSQL installations use pg_dump.
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var to = new Option<string>("--to") { Description = "The file to write (must not exist unless --force).", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("backup", "Copy the embedded database while the server runs, and check the copy.") { data, postgres, to, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!string.IsNullOrWhiteSpace(parse.GetValue(postgres)))
            {
                await Console.Error.WriteLineAsync("PostgreSQL installations are backed up with PostgreSQL's own tools: pg_dump --format=custom.");
                return 2;
            }

            var database = new SqliteDatabase(new SqliteOptions { DataDirectory = parse.GetValue(data)! });
            if (!File.Exists(database.FilePath))
            {
                await Console.Error.WriteLineAsync($"No database at {database.FilePath}.");
                return 2;
            }

            var target = Path.GetFullPath(parse.GetValue(to)!);
            if (File.Exists(target) && !parse.GetValue(force))
            {
                await Console.Error.WriteLineAsync($"{target} exists; pass --force to overwrite it.");
                return 2;
            }

            // Written beside the target and moved into place only once checked, so a failed backup never leaves a
            // file that looks like one.
            var partial = target + ".partial";
            File.Delete(partial);
            await using (var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.FilePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
            {
                await source.OpenAsync(cancellationToken);
                await copy.OpenAsync(cancellationToken);
                source.BackupDatabase(copy);
                using var check = copy.CreateCommand();
                check.CommandText = "PRAGMA integrity_check;";
                var verdict = (string?)await check.ExecuteScalarAsync(cancellationToken);
                if (verdict != "ok")
                {
                    await Console.Error.WriteLineAsync($"The copy failed its integrity check: {verdict}");
                    File.Delete(partial);
                    return 1;
                }

                using var counts = copy.CreateCommand();
                counts.CommandText = "SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM api_keys);";
                await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                Console.WriteLine($"{target}: {reader.GetInt64(0):N0} reports, {reader.GetInt64(1):N0} keys, integrity ok");
            }

            File.Move(partial, target, overwrite: true);
            return 0;
        });
        return command;
    }
}
