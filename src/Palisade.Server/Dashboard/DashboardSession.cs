using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>
/// The signed-in dashboard user, carried in an ASP.NET Core authentication cookie scoped to /dashboard. The cookie
/// names the account and its security stamp; every request compares the stamp with the database, so sign-out (which
/// replaces the stamp) ends the session on every node at once.
/// </summary>
public static class DashboardSession
{
    public const string Scheme = "PalisadeDashboard";
    public const string CookieName = "palisade_session";
    private const string StampClaim = "palisade:stamp";
    private static readonly object UserKey = new();

    /// <summary>The user of a valid session cookie (and sets HttpContext.User for antiforgery), or null.</summary>
    public static async Task<DashboardUser?> CurrentUserAsync(HttpContext http, SqlDashboardUserStore users)
    {
        if (http.Items.TryGetValue(UserKey, out var known) && known is DashboardUser cached)
        {
            return cached;
        }

        var result = await http.AuthenticateAsync(Scheme);
        if (!result.Succeeded ||
            !long.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var user = await users.FindAsync(id, http.RequestAborted);
        var stamp = result.Principal.FindFirstValue(StampClaim) ?? "";
        if (user is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stamp), Encoding.UTF8.GetBytes(user.SecurityStamp)))
        {
            return null; // signed out (stamp replaced) or account gone
        }

        http.User = result.Principal;
        http.Items[UserKey] = user;
        return user;
    }

    /// <summary>The user the group's authentication filter admitted (only inside the signed-in part of the dashboard).</summary>
    public static DashboardUser User(HttpContext http)
        => http.Items.TryGetValue(UserKey, out var user) && user is DashboardUser signedIn
            ? signedIn
            : throw new InvalidOperationException("This dashboard page is outside the signed-in route group (DashboardApi.MapDashboard).");

    public static async Task SignInAsync(HttpContext http, DashboardUser user)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, user.Email),
            new Claim(StampClaim, user.SecurityStamp),
        ], Scheme);
        var principal = new ClaimsPrincipal(identity);
        await http.SignInAsync(Scheme, principal);
        http.User = principal;
    }

    /// <summary>Ends every session of the account (a new stamp) and drops this browser's cookie.</summary>
    public static async Task SignOutAsync(HttpContext http, DashboardUser user, SqlDashboardUserStore users)
    {
        await users.RotateSecurityStampAsync(user.Id, NewStamp(), http.RequestAborted);
        http.Items.Remove(UserKey);
        await http.SignOutAsync(Scheme);
    }

    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>The signed-in check of the whole dashboard group: without a live session a page answers 303 to the sign-in page.</summary>
internal sealed class DashboardAuthentication : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var users = http.RequestServices.GetService(typeof(SqlDashboardUserStore)) as SqlDashboardUserStore
            ?? throw new InvalidOperationException("The dashboard user store is not registered.");
        if (await DashboardSession.CurrentUserAsync(http, users) is null)
        {
            return DashboardPage.SeeOther(http, "/dashboard/signin");
        }

        return await next(context);
    }
}
