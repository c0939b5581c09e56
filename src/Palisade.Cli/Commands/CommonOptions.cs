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

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text." };
}
