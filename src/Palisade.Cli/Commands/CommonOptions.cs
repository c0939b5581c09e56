using System.CommandLine;

namespace Palisade.Cli.Commands;

/// <summary>Options shared by every command that touches a Palisade installation's data.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder holding the embedded SQLite database (env PALISADE_DATA).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_DATA") ?? "data",
    };

    public static Option<string?> Postgres() => new("--postgres")
    {
        Description = "Use this PostgreSQL connection string instead of the SQLite database in --data (env PALISADE_POSTGRES).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_POSTGRES"),
    };

    public static Option<string?> Redis() => new("--redis")
    {
        Description = "Redis host:port for shared quota counters and cross-node notifications (env PALISADE_REDIS).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_REDIS"),
    };

    /// <summary>
    /// Adds --postgres and --redis to a command whose data does not live in the shared servers (geo files are on each
    /// node's disk): a multi-node operator can pass the same connection flags to every command.
    /// </summary>
    public static void AcceptClusterOptions(Command command)
    {
        command.Options.Add(new Option<string?>("--postgres") { Description = "Accepted for uniformity: this command's data lives in --data on each node." });
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: this command does not use Redis." });
    }

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text." };
}
