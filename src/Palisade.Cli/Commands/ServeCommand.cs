using System.CommandLine;
using Palisade.Server;
using Palisade.Storage.Sqlite;

namespace Palisade.Cli.Commands;

/// <summary><c>palisade serve --urls http://127.0.0.1:8080 --data DIR</c>: runs the server.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Address(es) to listen on, ';'-separated.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_URLS") ?? "http://127.0.0.1:8080",
        };
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var redis = CommonOptions.Redis();
        var config = new Option<string?>("--config") { Description = "A JSON configuration file (section \"Palisade\")." };
        var command = new Command("serve", "Run the Palisade server.") { urls, data, postgres, redis, config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = PalisadeServer.Build(
                [],
                options =>
                {
                    options.DataDirectory = parse.GetValue(data)!;
                    options.Postgres = parse.GetValue(postgres) ?? options.Postgres;
                    options.Redis = parse.GetValue(redis) ?? options.Redis;
                },
                urls: parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries),
                configFile: parse.GetValue(config));
            // Ctrl+C / SIGTERM arrive as cancellation: stop gracefully so quota counters are flushed.
            using var stop = cancellationToken.Register(app.Lifetime.StopApplication);
            try
            {
                await app.RunAsync();
            }
            catch (DataDirectoryException ex)
            {
                // A refusal the operator must act on (another server on the folder, an empty palisade.db): say it plainly.
                await Console.Error.WriteLineAsync("palisade serve: " + ex.Message);
                return 1;
            }

            return 0;
        });
        return command;
    }
}
