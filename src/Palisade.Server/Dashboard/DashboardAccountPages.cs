using Microsoft.AspNetCore.Http;
using Palisade.Core.Time;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>Sign-up, sign-in and sign-out.</summary>
public static class DashboardAccountPages
{
    private const int MaxEmailLength = 254;

    public static async Task<IResult> SignUpForm(HttpContext http, SqlDashboardUserStore users, DashboardOptions options)
    {
        if (await DashboardSession.CurrentUserAsync(http, users) is not null)
        {
            return DashboardPage.SeeOther(http, "/dashboard");
        }

        return options.SignUpOpen ? AccountForm(http, "Sign up", "/dashboard/signup", null, null, StatusCodes.Status200OK) : SignUpClosed(http);
    }

    public static async Task<IResult> SignUp(HttpContext http, SqlDashboardUserStore users, DashboardOptions options, IClock clock)
    {
        if (!options.SignUpOpen)
        {
            return SignUpClosed(http);
        }

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, null);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var email = NormalizeEmail(form["email"].ToString());
        var password = form["password"].ToString();
        if (email is null)
        {
            return AccountForm(http, "Sign up", "/dashboard/signup", null, "Enter a valid e-mail address.", StatusCodes.Status400BadRequest);
        }

        if (DashboardPasswordHasher.Problem(password) is { } problem)
        {
            return AccountForm(http, "Sign up", "/dashboard/signup", email, problem, StatusCodes.Status400BadRequest);
        }

        if (password != form["confirm"].ToString())
        {
            return AccountForm(http, "Sign up", "/dashboard/signup", email, "The two passwords differ.", StatusCodes.Status400BadRequest);
        }

        var (hash, salt) = DashboardPasswordHasher.Hash(password);
        var user = await users.CreateAsync(new DashboardUser(0, email, hash, salt, DashboardPasswordHasher.Iterations, clock.UtcNow), http.RequestAborted);
        if (user is null)
        {
            return AccountForm(http, "Sign up", "/dashboard/signup", email, "An account with this e-mail address already exists; sign in instead.",
                StatusCodes.Status409Conflict);
        }

        await DashboardSession.SignInAsync(http, user);
        return DashboardPage.SeeOther(http, "/dashboard");
    }

    public static async Task<IResult> SignInForm(HttpContext http, SqlDashboardUserStore users)
    {
        if (await DashboardSession.CurrentUserAsync(http, users) is not null)
        {
            return DashboardPage.SeeOther(http, "/dashboard");
        }

        return AccountForm(http, "Sign in", "/dashboard/signin", null, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> SignIn(HttpContext http, SqlDashboardUserStore users, DashboardSignInLimiter limiter)
    {
        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, null);
        }

        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (limiter.IsBlocked(client))
        {
            return AccountForm(http, "Sign in", "/dashboard/signin", null,
                "Too many failed sign-ins from your address; wait a few minutes and try again.", StatusCodes.Status429TooManyRequests);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var email = NormalizeEmail(form["email"].ToString());
        var password = form["password"].ToString();
        var user = email is null ? null : await users.FindByEmailAsync(email, http.RequestAborted);
        var valid = false;
        if (user is null)
        {
            DashboardPasswordHasher.VerifyDecoy(password);
        }
        else if (password.Length <= DashboardPasswordHasher.MaxLength)
        {
            valid = DashboardPasswordHasher.Verify(password, user.PasswordHash, user.PasswordSalt, user.Iterations);
        }

        if (!valid)
        {
            limiter.RecordFailure(client);
            return AccountForm(http, "Sign in", "/dashboard/signin", email, "Wrong e-mail address or password.", StatusCodes.Status401Unauthorized);
        }

        await DashboardSession.SignInAsync(http, user!);
        return DashboardPage.SeeOther(http, "/dashboard");
    }

    public static async Task<IResult> SignOut(HttpContext http, SqlDashboardUserStore users)
    {
        var user = await DashboardSession.CurrentUserAsync(http, users);
        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        await DashboardSession.SignOutAsync(http);
        return DashboardPage.SeeOther(http, "/dashboard/signin");
    }

    /// <summary>Lower-case, trimmed, one '@' with text either side, no spaces or control characters; null if not.</summary>
    public static string? NormalizeEmail(string input)
    {
        var email = input.Trim().ToLowerInvariant();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (email.Length is 0 or > MaxEmailLength || at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1 ||
            !email[(at + 1)..].Contains('.', StringComparison.Ordinal) || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }

        return email;
    }

    private static IResult SignUpClosed(HttpContext http)
        => DashboardPage.Render(http, "Sign-up closed", null, html => html
            .Element("p", "This server does not accept new accounts. Ask its operator for an account or an API key.", ("class", "error"), ("id", "message"))
            .Open("p").Element("a", "Sign in", ("href", "/dashboard/signin")).Close("p"), StatusCodes.Status403Forbidden);

    private static IResult AccountForm(HttpContext http, string title, string action, string? email, string? error, int status)
    {
        var signUp = action.EndsWith("signup", StringComparison.Ordinal);
        var options = (DashboardOptions)http.RequestServices.GetService(typeof(DashboardOptions))!;
        return DashboardPage.Render(http, title, null, html =>
        {
            html.Open("section");
            if (error is not null)
            {
                html.Element("p", error, ("class", "error"), ("id", "message"));
            }

            html.Open("form", ("method", "post"), ("action", action), ("id", signUp ? "signup-form" : "signin-form"));
            DashboardPage.Antiforgery(http, html);
            html.Element("label", "E-mail", ("for", "email"))
                .Open("input", ("type", "email"), ("id", "email"), ("name", "email"), ("value", email), ("required", ""), ("autocomplete", "username"),
                    ("maxlength", MaxEmailLength.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Element("label", "Password", ("for", "password"))
                .Open("input", ("type", "password"), ("id", "password"), ("name", "password"), ("required", ""),
                    ("autocomplete", signUp ? "new-password" : "current-password"))
                ;
            if (signUp)
            {
                html.Element("label", "Password again", ("for", "confirm"))
                    .Open("input", ("type", "password"), ("id", "confirm"), ("name", "confirm"), ("required", ""), ("autocomplete", "new-password"))
                    .Element("p", $"At least {DashboardPasswordHasher.MinLength} characters.", ("class", "muted"));
            }

            html.Open("p").Element("button", title, ("type", "submit"), ("id", "submit")).Close("p").Close("form");
            if (signUp)
            {
                html.Open("p").Text("Have an account? ").Element("a", "Sign in", ("href", "/dashboard/signin")).Close("p");
            }
            else if (options.SignUpOpen)
            {
                html.Open("p").Text("No account yet? ").Element("a", "Sign up", ("href", "/dashboard/signup")).Close("p");
            }

            html.Close("section");
        }, status);
    }
}
