using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>A real server started with extra command-line configuration (e.g. --Palisade:Dashboard:SignUp=closed).</summary>
public sealed class ConfiguredPalisadeHost : IAsyncDisposable
{
    private ConfiguredPalisadeHost(WebApplication app, string dataDirectory, Uri baseAddress)
    {
        App = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress { get; }

    public static async Task<ConfiguredPalisadeHost> StartAsync(params string[] args)
    {
        var dataDirectory = TempDirectory.Create();
        var app = PalisadeServer.Build(args, options =>
        {
            options.DataDirectory = dataDirectory;
            if (TestBackend.IsPostgres)
            {
                options.Postgres = TestBackend.ConnectionStringFor(dataDirectory);
                options.Redis = TestBackend.Redis;
                options.RedisKeyPrefix = TestBackend.RedisPrefix(dataDirectory);
            }
        }, null, ["http://127.0.0.1:0"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ConfiguredPalisadeHost(app, dataDirectory, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        TempDirectory.Delete(DataDirectory);
    }
}
