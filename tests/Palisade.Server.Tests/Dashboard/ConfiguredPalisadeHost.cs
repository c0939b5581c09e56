using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Time;
using Palisade.Server.Dashboard;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>A real server started with extra command-line configuration (e.g. --Palisade:Dashboard:SignUp=closed).</summary>
public sealed class ConfiguredPalisadeHost : IAsyncDisposable
{
    /// <summary>Sign-up by operator invitation: how the dashboard tests make accounts (as <c>palisade accounts invite</c> does).</summary>
    public const string InviteSignUp = "--Palisade:Dashboard:SignUp=invite";

    private ConfiguredPalisadeHost(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        App = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public static async Task<ConfiguredPalisadeHost> StartAsync(params string[] args) => await StartAsync(null, args);

    public static async Task<ConfiguredPalisadeHost> StartAsync(IClock? clock, params string[] args)
    {
        var dataDirectory = TempDirectory.Create();
        var app = PalisadeServer.Build(args, options =>
        {
            options.DataDirectory = dataDirectory;
            options.ChangePollInterval = TimeSpan.FromMilliseconds(200);
            if (TestBackend.IsPostgres)
            {
                options.Postgres = TestBackend.ConnectionStringFor(dataDirectory);
                options.Redis = TestBackend.Redis;
                options.RedisKeyPrefix = TestBackend.RedisPrefix(dataDirectory);
            }
        }, clock, ["http://127.0.0.1:0"]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            TempDirectory.Delete(dataDirectory);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ConfiguredPalisadeHost(app, dataDirectory, new Uri(address));
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>An invitation link (path and query), issued the way <c>palisade accounts invite</c> issues it.</summary>
    public Task<string> InviteAsync(string? email = null)
        => DashboardInvites.IssueAsync(Service<SqlDashboardUserStore>(), email, DashboardInvites.DefaultLifetime, Service<IClock>().UtcNow,
            CancellationToken.None);

    public HttpClient ClientWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        TempDirectory.Delete(DataDirectory);
    }
}
