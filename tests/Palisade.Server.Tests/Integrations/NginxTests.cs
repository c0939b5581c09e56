using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Integrations;

/// <summary>The nginx renderings checked by the real <c>nginx -t</c>, and the shipped updater.</summary>
public sealed class NginxTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;
    private string _scratch = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync("enterprise");
        _scratch = Directory.CreateTempSubdirectory("palisade-nginx-").FullName;
        await ReportAsync("45.33.60.1");
        await ReportAsync("2600:3c00::60");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    private async Task ReportAsync(string ip)
    {
        using var client = _host.ClientWithKey(_key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync("/v1/key/report", new { ip, category = "web_exploit", protocol = "http" })).StatusCode);
    }

    private string WriteConfig()
    {
        var config = Path.Combine(_scratch, "nginx.conf");
        File.WriteAllText(config, $$"""
            pid {{_scratch}}/nginx.pid;
            error_log {{_scratch}}/error.log;
            events { worker_connections 16; }
            http {
                access_log off;
                client_body_temp_path {{_scratch}}/body;
                proxy_temp_path {{_scratch}}/proxy;
                fastcgi_temp_path {{_scratch}}/fastcgi;
                uwsgi_temp_path {{_scratch}}/uwsgi;
                scgi_temp_path {{_scratch}}/scgi;
                include {{_scratch}}/geo.conf;
                server {
                    listen 127.0.0.1:8;
                    location /deny { include {{_scratch}}/deny.conf; return 200; }
                    location / { if ($palisade_blocked) { return 403; } return 200; }
                }
            }
            """);
        return config;
    }

    [Fact]
    public async Task Nginx_accepts_a_config_including_the_deny_and_geo_files()
    {
        using var client = _host.ClientWithKey(_key);
        await File.WriteAllBytesAsync(Path.Combine(_scratch, "deny.conf"), await client.GetByteArrayAsync("/v1/key/blacklist?scoreMinimum=0&format=nginx"));
        await File.WriteAllBytesAsync(Path.Combine(_scratch, "geo.conf"), await client.GetByteArrayAsync("/v1/key/blacklist?scoreMinimum=0&format=nginx-geo"));
        var (code, _, stderr) = await ToolRunner.RunAsync("nginx", ["-t", "-c", WriteConfig(), "-p", _scratch]);
        Assert.True(code == 0, stderr);
        Assert.Contains("syntax is ok", stderr, StringComparison.Ordinal);

        // The check is real: a broken include is refused.
        await File.WriteAllTextAsync(Path.Combine(_scratch, "deny.conf"), "deny 45.33.60.1\n");
        Assert.NotEqual(0, (await ToolRunner.RunAsync("nginx", ["-t", "-c", WriteConfig(), "-p", _scratch])).ExitCode);
    }

    [Fact]
    public async Task Updater_writes_the_geo_map_and_reloads_only_when_it_changed()
    {
        var target = Path.Combine(_scratch, "geo.conf");
        await File.WriteAllTextAsync(Path.Combine(_scratch, "deny.conf"), "");
        var reloads = Path.Combine(_scratch, "reloads");
        var environment = new Dictionary<string, string>
        {
            ["PALISADE_URL"] = _host.BaseAddress.ToString().TrimEnd('/'),
            ["PALISADE_KEY"] = _key,
            ["PALISADE_QUERY"] = "scoreMinimum=0",
            ["PALISADE_TARGET"] = target,
            ["PALISADE_RELOAD"] = $"echo reload >> '{reloads}'",
            ["PALISADE_NGINX_TEST"] = $"nginx -t -q -c '{WriteConfig()}' -p '{_scratch}'",
        };
        var script = ToolRunner.Integration("nginx/palisade-nginx-update.sh");

        var first = await ToolRunner.RunAsync("sh", [script], environment);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("45.33.60.1 1;", await File.ReadAllTextAsync(target), StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(reloads));

        var second = await ToolRunner.RunAsync("sh", [script], environment);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("unchanged", second.Stdout, StringComparison.Ordinal);
        Assert.Single(await File.ReadAllLinesAsync(reloads));

        await ReportAsync("45.33.60.2");
        var third = await ToolRunner.RunAsync("sh", [script], environment);
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Contains("45.33.60.2 1;", await File.ReadAllTextAsync(target), StringComparison.Ordinal);
        Assert.Equal(2, (await File.ReadAllLinesAsync(reloads)).Length);
    }
}
