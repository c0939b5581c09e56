using System.CommandLine;
using System.Globalization;
using Palisade.Server.Dashboard;
using Palisade.Storage;

namespace Palisade.Cli.Commands;

/// <summary><c>palisade accounts invite</c>: single-use dashboard sign-up links, for <c>Palisade:Dashboard:SignUp=invite</c>.</summary>
internal static class AccountsCommand
{
    public static Command Create()
    {
        var command = new Command("accounts", "Dashboard accounts.");
        command.Subcommands.Add(Invite());
        return command;
    }

    private static Command Invite()
    {
        var data = CommonOptions.Data();
        var postgres = CommonOptions.Postgres();
        var email = new Option<string?>("--email") { Description = "Bind the link to this e-mail address (only it can sign up with the link)." };
        var days = new Option<int>("--days") { Description = "Days the link works (1-90).", DefaultValueFactory = _ => 7 };
        var url = new Option<string?>("--url")
        {
            Description = "The dashboard's public base URL, e.g. https://palisade.example.org (env PALISADE_PUBLIC_URL); without it the path is printed.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_PUBLIC_URL"),
        };
        var command = new Command("invite", "Print a single-use sign-up link (the server must run with Palisade:Dashboard:SignUp=invite).")
        {
            data, postgres, email, days, url,
        };
        command.Options.Add(new Option<string?>("--redis") { Description = "Accepted for uniformity: invitations live in the database." });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var lifetime = parse.GetValue(days);
            if (lifetime is < 1 or > 90)
            {
                await Console.Error.WriteLineAsync("--days must be between 1 and 90.");
                return 2;
            }

            var address = parse.GetValue(email);
            if (address is not null && DashboardAccountPages.NormalizeEmail(address) is null)
            {
                await Console.Error.WriteLineAsync($"--email '{address}' is not a valid e-mail address.");
                return 2;
            }

            var installation = await LocalInstallation.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var users = new SqlDashboardUserStore((IConnectionFactory)installation.Database);
            var link = await DashboardInvites.IssueAsync(users, address, TimeSpan.FromDays(lifetime), DateTimeOffset.UtcNow, cancellationToken);
            Console.WriteLine((parse.GetValue(url)?.TrimEnd('/') ?? "") + link);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Single use, valid {lifetime} day(s){(address is null ? "" : " for " + address)}."));
            return 0;
        });
        return command;
    }
}
