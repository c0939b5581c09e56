using Spectre.Console;

namespace Palisade.Cli.Client;

/// <summary>
/// Progress of a multi-chunk upload: a live Spectre.Console bar on a terminal, one plain line per chunk on stderr
/// otherwise (logs, CI, pipes, and --json, whose stdout must stay pure JSON).
/// </summary>
internal static class UploadProgress
{
    public static async Task RunAsync(string title, int total, bool plain, Func<Action<int, string>, Task> work)
    {
        if (!plain && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && !Console.IsErrorRedirected)
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(title, maxValue: Math.Max(1, total));
                    await work((done, _) => task.Value = Math.Min(total, done));
                });
            return;
        }

        await work((done, note) => Console.Error.WriteLine($"{title}: {done:N0}/{total:N0} rows sent{note}"));
    }
}
