using System.CommandLine;
using Palisade.Core.Text;
using Palisade.Core.Reports;
using Palisade.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;
using Spectre.Console;

namespace Palisade.Cli.Commands;

/// <summary>
/// <c>palisade migrate --from sqlite:PATH --to postgres:CONN</c>: copies a single-node installation (keys, whitelist,
/// quota counters, reports) into PostgreSQL, keeping ids. Resumable: run it again after an interruption and it
/// continues after the last report batch that committed.
/// </summary>
internal static class MigrateCommand
{
    private const int BatchSize = 10_000;

    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "sqlite:PATH (a data folder or its palisade.db).", Required = true };
        var to = new Option<string>("--to") { Description = "postgres:CONNECTION-STRING.", Required = true };
        var command = new Command("migrate", "Copy a single-node (SQLite) installation into PostgreSQL.") { from, to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(from)!;
            var target = parse.GetValue(to)!;
            if (!source.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) || !target.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
            {
                await Console.Error.WriteLineAsync("Use --from sqlite:PATH --to postgres:CONNECTION-STRING.");
                return 2;
            }

            var path = source["sqlite:".Length..];
            var folder = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
            if (!File.Exists(Path.Combine(folder, "palisade.db")))
            {
                await Console.Error.WriteLineAsync($"No palisade.db in {folder}.");
                return 2;
            }

            var sqlite = new SqliteDatabase(new SqliteOptions { DataDirectory = folder });
            await sqlite.MigrateAsync(cancellationToken);
            await using var postgres = new PostgresDatabase(new PostgresOptions { ConnectionString = target["postgres:".Length..] });
            await postgres.MigrateAsync(cancellationToken);
            var importer = new PostgresImporter(postgres);

            var keys = await new SqlKeyStore(sqlite).ListAsync(cancellationToken);
            await importer.ImportKeysAsync(keys, cancellationToken);
            var whitelist = new SqlWhitelistStore(postgres);
            var entries = await new SqlWhitelistStore(sqlite).ListAsync(cancellationToken);
            foreach (var entry in entries)
            {
                await whitelist.AddAsync(entry, cancellationToken);
            }

            var usages = await new SqliteQuotaStore(sqlite).LoadAsync(0, cancellationToken);
            await importer.ImportQuotaAsync(usages, cancellationToken);
            Console.Error.WriteLine($"{keys.Count} keys, {entries.Count} whitelist entries, {usages.Count} quota counters copied.");

            var resumeAfter = await importer.MaxReportIdAsync(cancellationToken);
            var total = await new SqliteReportStore(sqlite).CountAsync(cancellationToken);
            var copied = await CopyReportsAsync(new SqliteReportStore(sqlite), importer, resumeAfter, total, cancellationToken);
            await importer.FinishAsync(cancellationToken);
            Console.Error.WriteLine(resumeAfter > 0
                ? $"Resumed after report {resumeAfter}: {copied} more reports copied."
                : $"{copied} reports copied.");
            return 0;
        });
        return command;
    }

    private static async Task<long> CopyReportsAsync(SqliteReportStore source, PostgresImporter importer, long resumeAfter, long total,
        CancellationToken cancellationToken)
    {
        long copied = 0;
        async Task Run(Action<long> progress)
        {
            var batch = new List<StoredReport>(BatchSize);
            await foreach (var report in source.LoadAfterIdAsync(resumeAfter, cancellationToken))
            {
                // Rows stored before NUL was removed on input would abort PostgreSQL's COPY: cleaned the same way.
                batch.Add(report with
                {
                    Comment = StoredText.WithoutNul(report.Comment),
                    Username = StoredText.WithoutNul(report.Username),
                    Protocol = StoredText.WithoutNul(report.Protocol),
                });
                if (batch.Count == BatchSize)
                {
                    await importer.ImportReportsAsync(batch, cancellationToken);
                    copied += batch.Count;
                    progress(copied);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await importer.ImportReportsAsync(batch, cancellationToken);
                copied += batch.Count;
                progress(copied);
            }
        }

        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected)
        {
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("Reports", maxValue: Math.Max(1, total));
                await Run(done => task.Value = Math.Min(total, done));
            });
        }
        else
        {
            // Not a terminal (CI, logs): one line per batch instead of a live bar.
            await Run(done => Console.Error.WriteLine($"reports: {done}/{total}"));
        }

        return copied;
    }
}
