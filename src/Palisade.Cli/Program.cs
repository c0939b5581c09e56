using System.CommandLine;
using Palisade.Cli.Commands;

var root = new RootCommand("Palisade: self-hosted IP reputation and threat intelligence.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(WhitelistCommand.Create());
root.Subcommands.Add(GeoCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(Palisade.Cli.Guard.GuardCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.CheckClientCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.BlacklistClientCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.ReportClientCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.BulkReportClientCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.TaxiiClientCommand.Create());
root.Subcommands.Add(Palisade.Cli.Client.StatusClientCommand.Create());
return await root.Parse(args).InvokeAsync();
