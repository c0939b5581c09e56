namespace Palisade.Server.Tests.Infrastructure;

/// <summary>The test harness's own promise: a started server is the process it started, never another test's.</summary>
public sealed class PalisadeProcessTests : IDisposable
{
    private readonly string _first = TempDirectory.Create();
    private readonly string _second = TempDirectory.Create();

    public void Dispose()
    {
        TempDirectory.Delete(_first);
        TempDirectory.Delete(_second);
    }

    [Fact]
    public async Task A_server_whose_port_another_server_took_meanwhile_is_started_again_on_another_port()
    {
        using var other = await PalisadeProcess.ServeAsync(_first);
        var taken = other.BaseAddress.Port;
        var offered = new Queue<int>([taken]);

        // The first port offered is the one the other server holds (what a race between two tests looks like).
        using var server = await PalisadeProcess.ServeAsync(_second, () => offered.TryDequeue(out var port) ? port : PalisadeProcess.FreePort());

        Assert.NotEqual(taken, server.BaseAddress.Port);
        Assert.NotEqual(other.Id, server.Id);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
