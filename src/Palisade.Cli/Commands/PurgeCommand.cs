using System.CommandLine;
using Palisade.Core.Reputation;

namespace Palisade.Cli.Commands;

/// <summary>
/// <c>palisade purge</c>: runs the retention purge on the store now (reports past their retention, addresses inactive
/// past theirs), for example after lowering the retention or before a backup. Idempotent. A running server drops the
/// same data from memory at its own next purge (hourly) or on restart.
/// </summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var defaults = new ReputationOptions();
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var reportDays = new Option<int>("--report-retention-days")
        {
            Description = "Delete reports received more than this many days ago.", DefaultValueFactory = _ => defaults.ReportRetentionDays,
        };
        var reputationDays = new Option<int>("--reputation-retention-days")
        {
            Description = "Forget addresses with no activity for this many days.", DefaultValueFactory = _ => defaults.ReputationRetentionDays,
        };
        var command = new Command("purge", "Delete reports and addresses past their retention now.") { data, postgres, reportDays, reputationDays };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: the purge works on the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reports = parse.GetValue(reportDays);
            var reputation = parse.GetValue(reputationDays);
            if (reports is < 1 or > 3650 || reputation is < 1 or > 3650)
            {
                await Console.Error.WriteLineAsync("Retention days must be between 1 and 3650.");
                return 2;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var now = DateTimeOffset.UtcNow;
            var (deleted, dropped) = await installation.Reports.PurgeAsync(now.AddDays(-reports), now.AddDays(-reputation), cancellationToken);
            Console.WriteLine($"{deleted:N0} reports deleted (older than {reports} days), {dropped:N0} addresses forgotten (inactive for {reputation} days)");
            return 0;
        });
        return command;
    }
}
