using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>The signed-in dashboard user, carried in an ASP.NET Core authentication cookie scoped to /dashboard.</summary>
public static class DashboardSession
{
    public const string Scheme = "PalisadeDashboard";
    public const string CookieName = "palisade_session";

    /// <summary>The user of a valid session cookie (and sets HttpContext.User for antiforgery), or null.</summary>
    public static async Task<DashboardUser?> CurrentUserAsync(HttpContext http, SqlDashboardUserStore users)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (!result.Succeeded ||
            !long.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var user = await users.FindAsync(id, http.RequestAborted);
        if (user is not null)
        {
            http.User = result.Principal;
        }

        return user;
    }

    public static async Task SignInAsync(HttpContext http, DashboardUser user)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, user.Email)], Scheme);
        var principal = new ClaimsPrincipal(identity);
        await http.SignInAsync(Scheme, principal);
        http.User = principal;
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);
}
