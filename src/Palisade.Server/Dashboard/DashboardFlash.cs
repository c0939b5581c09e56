using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Dashboard;

/// <summary>
/// A message carried across one redirect (post, redirect, get) in an encrypted, short-lived cookie: a new key's secret
/// is shown by the page after the redirect and the cookie is deleted there, so a reload no longer shows it.
/// </summary>
public sealed class DashboardFlash(IDataProtectionProvider protection)
{
    private const string CookieName = "palisade_flash";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Palisade.Dashboard.Flash").ToTimeLimitedDataProtector();

    public void Set(HttpContext http, long userId, string message)
    {
        var value = _protector.Protect(userId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + message, Lifetime);
        http.Response.Cookies.Append(CookieName, value, Options(http));
    }

    /// <summary>The message left for this user, consumed: it is shown once.</summary>
    public string? Take(HttpContext http, long userId)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        http.Response.Cookies.Delete(CookieName, Options(http));
        string text;
        try
        {
            text = _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // expired or not ours
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline > 0 && text[..newline] == userId.ToString(System.Globalization.CultureInfo.InvariantCulture) ? text[(newline + 1)..] : null;
    }

    private static CookieOptions Options(HttpContext http) => new()
    {
        Path = "/dashboard",
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        MaxAge = Lifetime,
    };
}
