using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Palisade.Server.Dashboard;

/// <summary>The web dashboard under /dashboard: HTML rendered here, forms posted back with antiforgery tokens.</summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        // Reachable without a session: the assets, sign-up, sign-in and e-mail verification. Nothing else.
        var dashboard = app.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().AddEndpointFilter(new DashboardSecurityHeaders());
        dashboard.MapGet("/assets/{name}", DashboardAssets.Serve);
        dashboard.MapGet("/signup", DashboardAccountPages.SignUpForm);
        dashboard.MapPost("/signup", DashboardAccountPages.SignUp);
        dashboard.MapGet("/signin", DashboardAccountPages.SignInForm);
        dashboard.MapPost("/signin", DashboardAccountPages.SignIn);
        dashboard.MapGet("/verify", DashboardAccountPages.Verify);

        // Signed in: one filter for the whole group, so a new page cannot forget the check.
        var signedIn = dashboard.MapGroup("").AddEndpointFilter(new DashboardAuthentication());
        signedIn.MapPost("/signout", DashboardAccountPages.SignOut);
        signedIn.MapGet("", DashboardKeyPages.Overview);
        signedIn.MapPost("/keys", DashboardKeyPages.Create);
        signedIn.MapPost("/keys/{id}/revoke", DashboardKeyPages.Revoke);
        signedIn.MapGet("/ip", DashboardIpPage.Lookup);
        signedIn.MapGet("/ip/{address}", DashboardIpPage.Show);
        signedIn.MapGet("/blacklist", DashboardBlacklistPage.Show);
        signedIn.MapPost("/blacklist/download", DashboardBlacklistPage.Download);
        signedIn.MapGet("/alerts", DashboardAlertPages.List);
        signedIn.MapGet("/sensors", DashboardSensorsPage.Show);
        signedIn.MapPost("/alerts", DashboardAlertPages.Create);
        signedIn.MapPost("/alerts/{id}/delete", DashboardAlertPages.Delete);
        return app;
    }
}
