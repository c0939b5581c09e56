using System.Net;
using System.Text.RegularExpressions;
using Palisade.Server.Tests.Alerts;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>
/// Who may sign up: nobody by default; by operator invitation; or anyone who proves an e-mail address through a link
/// sent by a real SMTP server (aiosmtpd), limited per network before any password hashing.
/// </summary>
public sealed partial class DashboardSignUpTests
{
    private const string Password = "correct horse battery";
    private const string PublicUrl = "https://palisade.example.org";

    [Fact]
    public async Task A_fresh_install_accepts_no_sign_ups()
    {
        await using var host = await PalisadeHost.StartAsync();
        using var client = new DashboardClient(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/signup")).StatusCode);
        Assert.DoesNotContain("/dashboard/signup", await client.PageAsync("/dashboard/signin"), StringComparison.Ordinal);
        var post = await client.SubmitAsync("/dashboard/signin", "/dashboard/signup",
            new() { ["email"] = "new@example.org", ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Null(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("new@example.org", CancellationToken.None));
    }

    [Fact]
    public async Task Open_sign_up_without_an_smtp_server_is_refused_at_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            PalisadeHost.StartAsync(args: ["--Palisade:Dashboard:SignUp=open", "--Palisade:Dashboard:PublicUrl=" + PublicUrl]));
        Assert.Contains("Palisade:Smtp:Host", error.Message, StringComparison.Ordinal);
        Assert.Contains("Palisade:Dashboard:SignUp", error.Message, StringComparison.Ordinal);
        var typo = await Assert.ThrowsAnyAsync<Exception>(() => PalisadeHost.StartAsync(args: ["--Palisade:Dashboard:SignUp=opne"]));
        Assert.Contains("use closed, invite or open", typo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_sign_up_needs_the_emailed_link_before_any_key_and_does_not_reveal_existing_accounts()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await PalisadeHost.StartAsync(args: OpenWith(smtp));
        using var client = new DashboardClient(host.BaseAddress);
        var signUp = await SignUpAsync(client, "new@example.org", Password);
        Assert.Equal(HttpStatusCode.Accepted, signUp.StatusCode);
        Assert.Contains("We sent a link to new@example.org", await signUp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Recorded with the network it came from, so accounts made from one network can be counted together.
        Assert.Equal("127.0.0.0/24", (await host.Service<SqlDashboardUserStore>().FindByEmailAsync("new@example.org", CancellationToken.None))?.SignUpNetwork);

        // Signed in but unverified: no keys.
        Assert.Equal(HttpStatusCode.SeeOther, (await client.SignInAsync("new@example.org", Password)).StatusCode);
        Assert.Contains("id=\"unverified\"", await client.PageAsync("/dashboard"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SubmitAsync("/dashboard", "/dashboard/keys", new() { ["name"] = "early" })).StatusCode);
        Assert.Empty(await host.Service<Palisade.Core.Storage.IKeyStore>().ListAsync(CancellationToken.None));

        // The link in the e-mail uses the configured public URL, never the request's Host; it works once.
        var mail = (await WaitForMailAsync(smtp, 1))[0];
        var link = LinkPattern().Match(mail);
        Assert.True(link.Success, "no verification link in: " + mail);
        Assert.Contains("To: new@example.org", mail, StringComparison.OrdinalIgnoreCase);
        var path = link.Value[PublicUrl.Length..];
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/dashboard/verify?token=forged")).StatusCode);
        await client.CreateKeyAsync("verified-key");

        // The same address again: the same answer, no second account, and the owner is told by e-mail.
        using var stranger = new DashboardClient(host.BaseAddress);
        var again = await SignUpAsync(stranger, "new@example.org", "another fine passphrase");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var second = await WaitForMailAsync(smtp, 2);
        Assert.Single(second, m => m.Contains("already has an account", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SignInAsync("new@example.org", "another fine passphrase")).StatusCode);
    }

    [Fact]
    public async Task Sign_ups_are_limited_per_network_per_hour_and_weak_passwords_refused()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await PalisadeHost.StartAsync(args: OpenWith(smtp));
        using var client = new DashboardClient(host.BaseAddress);
        foreach (var weak in new[] { "short pass", "aaaaaaaaaaaaaaaa", "password1234", "Password2024!", "qwertyuiop123", "correcthorsebatterystaple" })
        {
            var refused = await SignUpAsync(client, "weak@example.org", weak);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // Refused input does not use up the network's allowance (3 an hour by default); the fourth sign-up is refused.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await SignUpAsync(client, $"user{i}@example.org", Password)).StatusCode);
        }

        var limited = await SignUpAsync(client, "user3@example.org", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Null(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("user3@example.org", CancellationToken.None));
        Assert.Null(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("weak@example.org", CancellationToken.None));
    }

    [Fact]
    public async Task An_invitation_signs_up_once_and_only_its_bound_address()
    {
        await using var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        using var anonymous = new DashboardClient(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/dashboard/signup")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/dashboard/signup?invite=made-up")).StatusCode);

        var invite = await host.InviteAsync("bound@example.org");
        var token = invite[(invite.IndexOf('=', StringComparison.Ordinal) + 1)..];
        using var first = new DashboardClient(host.BaseAddress);
        var used = await first.SubmitAsync(invite, "/dashboard/signup",
            new() { ["invite"] = token, ["email"] = "someone-else@example.org", ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.SeeOther, used.StatusCode);
        Assert.NotNull(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("bound@example.org", CancellationToken.None));
        Assert.Null(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("someone-else@example.org", CancellationToken.None));
        await first.CreateKeyAsync("invited-key"); // an invited account is verified

        using var second = new DashboardClient(host.BaseAddress);
        Assert.Equal(HttpStatusCode.Forbidden, (await second.GetAsync(invite)).StatusCode);
        var reused = await second.SubmitAsync("/dashboard/signin", "/dashboard/signup",
            new() { ["invite"] = token, ["email"] = "third@example.org", ["password"] = Password, ["confirm"] = Password });
        Assert.Equal(HttpStatusCode.Forbidden, reused.StatusCode);
        Assert.Null(await host.Service<SqlDashboardUserStore>().FindByEmailAsync("third@example.org", CancellationToken.None));
    }

    [Fact]
    public async Task The_accounts_invite_command_prints_a_link_the_server_accepts()
    {
        await using var host = await PalisadeHost.StartAsync(args: [PalisadeHost.InviteSignUp]);
        if (TestBackend.IsPostgres)
        {
            return; // the command below opens the SQLite database in the data folder; the PostgreSQL pass covers the store through the server
        }

        var (code, stdout, stderr) = await PalisadeProcess.RunAsync("accounts", "invite", "--data", host.DataDirectory, "--url", PublicUrl, "--days", "2");
        Assert.True(code == 0, stderr);
        var link = stdout.Trim();
        Assert.StartsWith(PublicUrl + "/dashboard/signup?invite=", link, StringComparison.Ordinal);
        using var client = new DashboardClient(host.BaseAddress);
        var path = link[PublicUrl.Length..];
        var signUp = await client.SubmitAsync(path, "/dashboard/signup", new()
        {
            ["invite"] = path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..], ["email"] = "cli@example.org", ["password"] = Password, ["confirm"] = Password,
        });
        Assert.Equal(HttpStatusCode.SeeOther, signUp.StatusCode);
        var bad = await PalisadeProcess.RunAsync("accounts", "invite", "--data", host.DataDirectory, "--email", "not-an-address");
        Assert.NotEqual(0, bad.ExitCode);
    }

    private static string[] OpenWith(SmtpSink smtp) =>
    [
        "--Palisade:Dashboard:SignUp=open", "--Palisade:Dashboard:PublicUrl=" + PublicUrl, "--Palisade:Smtp:Host=127.0.0.1",
        "--Palisade:Smtp:Port=" + smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Palisade:Smtp:Security=None",
        "--Palisade:Smtp:From=palisade@example.org",
    ];

    private static Task<HttpResponseMessage> SignUpAsync(DashboardClient client, string email, string password)
        => client.SubmitAsync("/dashboard/signup", "/dashboard/signup", new() { ["email"] = email, ["password"] = password, ["confirm"] = password });

    private static async Task<IReadOnlyList<string>> WaitForMailAsync(SmtpSink smtp, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            if (smtp.Messages() is { } messages && messages.Count >= count)
            {
                return messages;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"expected {count} e-mail(s), got {smtp.Messages().Count}");
    }

    [GeneratedRegex("https://palisade\\.example\\.org/dashboard/verify\\?token=[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
