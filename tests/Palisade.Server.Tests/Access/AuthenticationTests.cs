using System.Net;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Access;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private PalisadeHost _host = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _key = await _host.CreateKeyAsync();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Missing_key_is_401_with_native_error()
    {
        var response = await _host.Client.GetAsync("/v1/key/check/45.33.32.156");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Valid API key required. Use Authorization: Bearer sk_...", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Wrong_key_is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/check/45.33.32.156");
        request.Headers.Add("Authorization", "Bearer sk_free_00000000000000000000000000000000");
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Invalid API key", (await response.JsonAsync()).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("Authorization", "Bearer {0}")]
    [InlineData("X-API-Key", "{0}")]
    [InlineData("X-Api-Key", "{0}")]
    [InlineData("X-Key", "{0}")]
    [InlineData("Key", "{0}")]
    public async Task Every_header_form_is_accepted(string header, string format)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/check/45.33.32.156");
        request.Headers.TryAddWithoutValidation(header, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, _key));
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Query_key_is_accepted()
    {
        var response = await _host.Client.GetAsync("/v1/key/check/45.33.32.156?key=" + _key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_client_that_changes_keys_on_one_connection_is_answered_for_each_key()
    {
        // One HttpClient, requests one after another: they share one keep-alive connection, on which the server keeps
        // the previous request's Authorization header text.
        var other = await _host.CreateKeyAsync();
        async Task<(HttpStatusCode Status, string? Used)> CheckAsync(string authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/check/45.33.32.156");
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await _host.Client.SendAsync(request);
            return (response.StatusCode, response.Headers.TryGetValues("X-Daily-Used", out var used) ? used.Single() : null);
        }

        Assert.Equal((HttpStatusCode.OK, "1"), await CheckAsync("Bearer " + _key));
        Assert.Equal((HttpStatusCode.OK, "2"), await CheckAsync("Bearer " + _key));
        Assert.Equal((HttpStatusCode.OK, "1"), await CheckAsync("Bearer " + other));
        Assert.Equal((HttpStatusCode.Unauthorized, null), await CheckAsync("Bearer " + _key + "x"));
        Assert.Equal((HttpStatusCode.Unauthorized, null), await CheckAsync("Bearer "));
        Assert.Equal((HttpStatusCode.OK, "3"), await CheckAsync("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("user:" + _key))));
        Assert.Equal((HttpStatusCode.OK, "2"), await CheckAsync("Bearer " + other));
    }

    [Fact]
    public async Task Quota_state_on_one_connection_belongs_to_each_request_s_own_key()
    {
        // One keep-alive connection (one HttpClient, requests one after another): a key runs out of checks, another key
        // is answered with its own quota, the first is refused again; no answer carries another request's quota state.
        var small = await _host.CreateKeyAsync(limits: new Dictionary<QuotaFamily, long> { [QuotaFamily.Check] = 2 });
        async Task<(HttpStatusCode Status, string? Limit, string? Used, bool RetryAfter)> CheckAsync(string key, string ip = "45.33.32.156")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/key/check/" + ip);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            using var response = await _host.Client.SendAsync(request);
            string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
            return (response.StatusCode, Header("X-Daily-Limit"), Header("X-Daily-Used"), response.Headers.RetryAfter is not null);
        }

        Assert.Equal((HttpStatusCode.OK, "2", "1", false), await CheckAsync(small));
        Assert.Equal((HttpStatusCode.OK, "2", "2", false), await CheckAsync(small, "46.1.2.3"));
        Assert.Equal((HttpStatusCode.TooManyRequests, "2", "2", true), await CheckAsync(small));
        var big = await CheckAsync(_key);
        Assert.Equal((HttpStatusCode.OK, "1", false), (big.Status, big.Used, big.RetryAfter));
        Assert.NotEqual("2", big.Limit);
        Assert.Equal((HttpStatusCode.BadRequest, "2", "2", false), await CheckAsync(small, "not-an-address"));
        Assert.Equal((HttpStatusCode.TooManyRequests, "2", "2", true), await CheckAsync(small));
        Assert.Equal((HttpStatusCode.OK, big.Limit, "2", false), await CheckAsync(_key, "46.1.2.3"));
    }

    [Fact]
    public async Task Revoked_key_is_403_once_the_server_notices()
    {
        var client = _host.ClientWithKey(_key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode);
        var store = _host.Service<IKeyStore>();
        var hash = ApiKeySecrets.Hash(_key);
        var key = (await store.ListAsync(CancellationToken.None)).Single(k => ApiKeySecrets.HashesEqual(k.Hash, hash));
        await store.RevokeAsync(key.Id, DateTimeOffset.UtcNow, CancellationToken.None);
        await _host.Service<IChangeSignal>().BumpAsync(CancellationToken.None);

        var status = HttpStatusCode.OK;
        for (var i = 0; i < 50 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            status = (await client.GetAsync("/v1/key/check/45.33.32.156")).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("revoked", (await (await client.GetAsync("/v1/key/check/45.33.32.156")).JsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        var text = await TestBackend.DumpKeyTableAsync(_host.DataDirectory);
        Assert.DoesNotContain(_key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_key[^20..], text, StringComparison.Ordinal);
    }
}
