using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Palisade.Server.Alerts;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>Accounts, the session cookie, antiforgery and the keys that protect both (kept in the data folder).</summary>
    public static IServiceCollection AddPalisadeDashboard(this IServiceCollection services, IConfiguration configuration, PalisadeOptions palisade)
    {
        // Refused at start, with every problem named (e.g. SignUp=open without an SMTP server).
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DashboardOptions>>().Value);
        services.AddSingleton<SqlDashboardUserStore>();
        services.AddSingleton<DashboardSignInLimiter>();
        services.AddSingleton<DashboardSignUpLimiter>();
        services.AddSingleton<DashboardPasswordGate>();
        services.AddSingleton<DashboardMailer>();
        services.AddSingleton<DashboardFlash>();
        // Persisted, so sessions and forms survive a restart.
        services.AddDataProtection().SetApplicationName("Palisade")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(palisade.DataDirectory), "dashboard-keys")));
        // The session cookie is read only by the dashboard's own pages (DashboardSession.AuthenticateAsync names the
        // scheme). Without this switch ASP.NET Core makes a lone scheme the default, and the authentication middleware
        // would then run the cookie handler on every API request (checks, reports, blocklists) for nothing.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication().AddCookie(DashboardSession.Scheme, cookie =>
        {
            cookie.Cookie.Name = DashboardSession.CookieName;
            cookie.Cookie.Path = "/dashboard";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS, including behind a trusted TLS proxy (X-Forwarded-Proto, see ForwardedHeaders).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/dashboard/signin";
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "palisade_antiforgery";
            antiforgery.Cookie.Path = "/dashboard";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "__antiforgery";
            antiforgery.SuppressXFrameOptionsHeader = true; // the dashboard sends DENY itself
        });
        return services;
    }

    /// <summary>Names each problem of the dashboard settings in the start-up failure.</summary>
    private sealed class DashboardOptionsValidator(SmtpOptions smtp) : IValidateOptions<DashboardOptions>
    {
        public ValidateOptionsResult Validate(string? name, DashboardOptions options)
            => options.Problems(smtp) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
