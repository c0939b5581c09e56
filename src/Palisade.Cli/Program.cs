using System.CommandLine;
using Palisade.Cli.Commands;

var root = new RootCommand("Palisade: self-hosted IP reputation and threat intelligence.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(WhitelistCommand.Create());
root.Subcommands.Add(GeoCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
return await root.Parse(args).InvokeAsync();
