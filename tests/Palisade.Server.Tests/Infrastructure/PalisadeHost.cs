using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Time;
using Palisade.Core.Storage;

namespace Palisade.Server.Tests.Infrastructure;

/// <summary>
/// A real Palisade server (Kestrel on a free loopback port, SQLite in a temporary folder) for HTTP tests.
/// </summary>
public sealed class PalisadeHost : IAsyncDisposable
{
    private PalisadeHost(WebApplication app, string dataDirectory, Uri baseAddress, bool ownsDirectory)
    {
        App = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        OwnsDirectory = ownsDirectory;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    private bool OwnsDirectory { get; set; }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="map">Extra endpoints mapped before the server starts (e.g. one that fails, to see the error handler).</param>
    /// <summary>Sign-up by operator invitation: how the dashboard tests make accounts (as <c>palisade accounts invite</c> does).</summary>
    public const string InviteSignUp = "--Palisade:Dashboard:SignUp=invite";

    /// <param name="args">Command-line configuration (e.g. <see cref="InviteSignUp"/>), read before anything starts.</param>
    public static async Task<PalisadeHost> StartAsync(string? dataDirectory = null, IClock? clock = null, Action<PalisadeOptions>? configure = null,
        Action<WebApplication>? map = null, string[]? args = null)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= TempDirectory.Create();
        var app = PalisadeServer.Build(args ?? [], options =>
        {
            options.DataDirectory = dataDirectory;
            options.ChangePollInterval = TimeSpan.FromMilliseconds(200);
            if (TestBackend.IsPostgres)
            {
                options.Postgres = TestBackend.ConnectionStringFor(dataDirectory);
                options.Redis = TestBackend.Redis;
                options.RedisKeyPrefix = TestBackend.RedisPrefix(dataDirectory);
            }

            configure?.Invoke(options);
        }, clock, ["http://127.0.0.1:0"]);
        map?.Invoke(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // A start refused by a setting check still leaves nothing behind.
            await app.DisposeAsync();
            if (owns)
            {
                TempDirectory.Delete(dataDirectory);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new PalisadeHost(app, dataDirectory, new Uri(address), owns);
    }

    /// <summary>Creates a key in the store, as <c>palisade keys create</c> does, and returns its secret.</summary>
    /// <param name="createdAt">When the key was made (default: 60 days ago, past any new-reporter probation).</param>
    public async Task<string> CreateKeyAsync(string tier = "free", IReadOnlyDictionary<QuotaFamily, long>? limits = null, string? name = null,
        DateTimeOffset? createdAt = null)
    {
        var secret = ApiKeySecrets.Generate(tier);
        await Service<IKeyStore>().CreateAsync(new ApiKey(0, name ?? "key-" + Guid.NewGuid().ToString("N")[..8], tier,
            ApiKeySecrets.Hash(secret), ApiKeySecrets.PrefixOf(secret), createdAt ?? Service<IClock>().UtcNow.AddDays(-60), null,
            limits ?? new Dictionary<QuotaFamily, long>()), CancellationToken.None);
        return secret;
    }

    /// <summary>An invitation link (path and query), issued the way <c>palisade accounts invite</c> issues it (the host must
    /// run with sign-up by invitation: <c>args: [InviteSignUp]</c>).</summary>
    public Task<string> InviteAsync(string? email = null)
        => Palisade.Server.Dashboard.DashboardInvites.IssueAsync(Service<Palisade.Storage.SqlDashboardUserStore>(), email,
            Palisade.Server.Dashboard.DashboardInvites.DefaultLifetime, Service<IClock>().UtcNow, CancellationToken.None);

    public HttpClient ClientWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Stops the server gracefully (flushing counters) but keeps its data folder.</summary>
    public async Task StopAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Client.Dispose();
    }

    /// <summary>Keeps the data folder after disposal (for restart tests).</summary>
    public void KeepData() => OwnsDirectory = false;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        if (OwnsDirectory)
        {
            TempDirectory.Delete(DataDirectory);
        }
    }
}
