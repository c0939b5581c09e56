using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Palisade.Server.Dashboard;

/// <summary>The web dashboard under /dashboard: HTML rendered here, forms posted back with antiforgery tokens.</summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var dashboard = app.MapGroup("/dashboard").WithTags("Dashboard").ExcludeFromDescription().AddEndpointFilter(new DashboardSecurityHeaders());
        dashboard.MapGet("/assets/{name}", DashboardAssets.Serve);
        dashboard.MapGet("/signup", DashboardAccountPages.SignUpForm);
        dashboard.MapPost("/signup", DashboardAccountPages.SignUp);
        dashboard.MapGet("/signin", DashboardAccountPages.SignInForm);
        dashboard.MapPost("/signin", DashboardAccountPages.SignIn);
        dashboard.MapPost("/signout", DashboardAccountPages.SignOut);
        dashboard.MapGet("", DashboardKeyPages.Overview);
        dashboard.MapPost("/keys", DashboardKeyPages.Create);
        dashboard.MapPost("/keys/{id}/revoke", DashboardKeyPages.Revoke);
        dashboard.MapGet("/ip", DashboardIpPage.Lookup);
        dashboard.MapGet("/ip/{address}", DashboardIpPage.Show);
        dashboard.MapGet("/blacklist", DashboardBlacklistPage.Show);
        dashboard.MapGet("/blacklist/download", DashboardBlacklistPage.Download);
        dashboard.MapGet("/alerts", DashboardAlertPages.List);
        dashboard.MapGet("/sensors", DashboardSensorsPage.Show);
        dashboard.MapPost("/alerts", DashboardAlertPages.Create);
        dashboard.MapPost("/alerts/{id}/delete", DashboardAlertPages.Delete);
        return app;
    }
}
