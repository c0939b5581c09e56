using System.Net;
using System.Text.RegularExpressions;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>A browser-like HTTP client for the dashboard: keeps cookies, does not follow redirects, fills forms' antiforgery field.</summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    public DashboardClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public async Task<string> PageAsync(string path)
    {
        var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form the way the page's own form would: with the antiforgery token from <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        var html = await PageAsync(formPage);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, "the page has no antiforgery field");
        var form = new Dictionary<string, string>(fields) { ["__antiforgery"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await _http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts without any antiforgery token (what a cross-site form could do).</summary>
    public Task<HttpResponseMessage> PostWithoutTokenAsync(string action, Dictionary<string, string> fields)
        => _http.PostAsync(action, new FormUrlEncodedContent(fields));

    public async Task SignUpAsync(string email, string password)
    {
        var response = await SubmitAsync("/dashboard/signup", "/dashboard/signup",
            new() { ["email"] = email, ["password"] = password, ["confirm"] = password });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

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
