using System.Net;
using System.Text.RegularExpressions;

using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>A browser-like HTTP client for the dashboard: keeps cookies, does not follow redirects, fills forms' antiforgery field.</summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="baseAddress">The server.</param>
    /// <param name="forwardedFor">Sent as X-Forwarded-For (and X-Forwarded-Proto when <paramref name="forwardedProto"/> is set), as a proxy would.</param>
    /// <param name="forwardedProto">The scheme the proxy saw.</param>
    public DashboardClient(Uri baseAddress, string? forwardedFor = null, string? forwardedProto = null)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        if (forwardedFor is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        if (forwardedProto is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        }
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public async Task<string> PageAsync(string path)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form the way the page's own form would: with the antiforgery token from <paramref name="formPage"/>.</summary>
    /// <param name="formPage">The page whose form is posted (its antiforgery token is used).</param>
    /// <param name="action">Where the form posts to.</param>
    /// <param name="fields">The form's fields.</param>
    /// <param name="postForwardedProto">X-Forwarded-Proto on the POST alone (a TLS proxy in front of the server).</param>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, string action, Dictionary<string, string> fields, string? postForwardedProto = null)
    {
        var html = await PageAsync(formPage);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, "the page has no antiforgery field");
        var form = new Dictionary<string, string>(fields) { ["__antiforgery"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        using var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(form) };
        if (postForwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", postForwardedProto);
        }

        return await _http.SendAsync(request);
    }

    /// <summary>Posts without any antiforgery token (what a cross-site form could do).</summary>
    public Task<HttpResponseMessage> PostWithoutTokenAsync(string action, Dictionary<string, string> fields)
        => _http.PostAsync(action, new FormUrlEncodedContent(fields));

    /// <summary>Signs up through an operator invitation (the host runs with sign-up by invitation) and stays signed in.</summary>
    public async Task SignUpAsync(PalisadeHost host, string email, string password)
    {
        var link = await host.InviteAsync();
        var response = await SubmitAsync(link, "/dashboard/signup",
            new() { ["invite"] = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..], ["email"] = email, ["password"] = password, ["confirm"] = password });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password)
        => await SubmitAsync("/dashboard/signin", "/dashboard/signin", new() { ["email"] = email, ["password"] = password });

    /// <summary>Creates a key and returns (id, secret) as the overview shows them after the redirect.</summary>
    public async Task<(long Id, string Secret)> CreateKeyAsync(string name)
    {
        var response = await SubmitAsync("/dashboard", "/dashboard/keys", new() { ["name"] = name });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var html = await PageAsync("/dashboard");
        var secret = SecretPattern().Match(html);
        Assert.True(secret.Success, "the new key's secret is not on the page");
        var row = Regex.Match(html, "data-key-id=\"(\\d+)\"[^>]*>\\s*<td class=\"key-name\">" + Regex.Escape(WebUtility.HtmlEncode(name)) + "<");
        Assert.True(row.Success, "the new key is not listed");
        return (long.Parse(row.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), secret.Groups[1].Value);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__antiforgery\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("id=\"new-key-secret\">(sk_[A-Za-z0-9_]+)<")]
    private static partial Regex SecretPattern();
}
