using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>Sign-up (closed, by invitation, or open with e-mail verification), e-mail verification, sign-in and sign-out.</summary>
public static class DashboardAccountPages
{
    private const int MaxEmailLength = 254;
    private const int MaxTokenLength = 100;

    public static async Task<IResult> SignUpForm(HttpContext http, SqlDashboardUserStore users, DashboardOptions options, IClock clock)
    {
        if (await DashboardSession.CurrentUserAsync(http, users) is not null)
        {
            return DashboardPage.SeeOther(http, "/dashboard");
        }

        switch (options.Mode)
        {
            case DashboardSignUpMode.Open:
                return SignUpFormPage(http, null, null, null, StatusCodes.Status200OK);
            case DashboardSignUpMode.Invite:
                var token = http.Request.Query["invite"].ToString();
                var invite = await FindInviteAsync(users, token, clock, http.RequestAborted);
                return invite is null ? SignUpRefused(http, options) : SignUpFormPage(http, token, invite.Email, null, StatusCodes.Status200OK);
            default:
                return SignUpRefused(http, options);
        }
    }

    public static async Task<IResult> SignUp(HttpContext http, SqlDashboardUserStore users, DashboardOptions options, DashboardSignUpLimiter limiter,
        DashboardPasswordGate gate, DashboardMailer mailer, IClock clock)
    {
        if (options.Mode == DashboardSignUpMode.Closed)
        {
            return SignUpRefused(http, options);
        }

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, null);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var token = options.Mode == DashboardSignUpMode.Invite ? form["invite"].ToString() : null;
        DashboardInvite? invite = null;
        if (token is not null && (invite = await FindInviteAsync(users, token, clock, http.RequestAborted)) is null)
        {
            return SignUpRefused(http, options);
        }

        var email = invite?.Email ?? NormalizeEmail(form["email"].ToString());
        var password = form["password"].ToString();
        if (email is null)
        {
            return SignUpFormPage(http, token, null, "Enter a valid e-mail address.", StatusCodes.Status400BadRequest);
        }

        if (DashboardPasswordHasher.Problem(password) is { } problem)
        {
            return SignUpFormPage(http, token, email, problem, StatusCodes.Status400BadRequest);
        }

        if (password != form["confirm"].ToString())
        {
            return SignUpFormPage(http, token, email, "The two passwords differ.", StatusCodes.Status400BadRequest);
        }

        // Open sign-up is counted per network before any hashing or database work; an invitation is its own limit.
        TimeSpan? wait;
        try
        {
            wait = invite is null ? await limiter.TryTakeAsync(DashboardClientNetwork.ForSignUp(http)) : null;
        }
        catch (QuotaUnavailableException)
        {
            return LimitsUnavailable(http, "Sign-up");
        }

        if (wait is { } signUpWait)
        {
            DashboardPage.RetryAfter(http, signUpWait);
            return SignUpFormPage(http, token, email, "Too many sign-ups from your network; try again later.", StatusCodes.Status429TooManyRequests);
        }

        var (ran, hashed) = await gate.RunAsync(() => DashboardPasswordHasher.Hash(password), http.RequestAborted);
        if (!ran)
        {
            return Busy(http);
        }

        var now = clock.UtcNow;
        var user = new DashboardUser(0, email, hashed.Hash, hashed.Salt, DashboardPasswordHasher.Iterations, now, DashboardSession.NewStamp(),
            SignUpNetwork: DashboardClientNetwork.ForSignUp(http));
        return invite is null
            ? await SignUpOpenAsync(http, users, options, mailer, user, now)
            : await SignUpInvitedAsync(http, users, token!, user, now);
    }

    /// <summary>The link of a verification e-mail: the account may own keys from now on.</summary>
    public static async Task<IResult> Verify(HttpContext http, SqlDashboardUserStore users, IClock clock)
    {
        var token = http.Request.Query["token"].ToString();
        var verified = token.Length is > 0 and <= MaxTokenLength ? await users.VerifyAsync(HashToken(token), clock.UtcNow, http.RequestAborted) : null;
        if (verified is null)
        {
            return DashboardPage.Message(http, null, StatusCodes.Status400BadRequest, "Link not valid",
                "This verification link is not valid: it was already used, has expired or was cut short. Sign up again or sign in.");
        }

        return DashboardPage.Render(http, "E-mail verified", null, html => html
            .Element("p", "Your e-mail address is verified: sign in to create API keys.", ("class", "notice"), ("id", "message"))
            .Open("p").Element("a", "Sign in", ("href", "/dashboard/signin")).Close("p"));
    }

    public static async Task<IResult> SignInForm(HttpContext http, SqlDashboardUserStore users)
    {
        if (await DashboardSession.CurrentUserAsync(http, users) is not null)
        {
            return DashboardPage.SeeOther(http, "/dashboard");
        }

        return SignInFormPage(http, null, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> SignIn(HttpContext http, SqlDashboardUserStore users, DashboardSignInLimiter limiter, DashboardPasswordGate gate)
    {
        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, null);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var email = NormalizeEmail(form["email"].ToString());
        var password = form["password"].ToString();
        var network = DashboardClientNetwork.ForSignIn(http);
        // The attempt takes its place before any hashing: concurrent guesses cannot pass the limit together.
        DashboardSignInLimiter.Attempt? attempt;
        TimeSpan wait;
        try
        {
            (attempt, wait) = await limiter.TryBeginAsync(network, email);
        }
        catch (QuotaUnavailableException)
        {
            return LimitsUnavailable(http, "Sign-in");
        }

        if (attempt is null)
        {
            DashboardPage.RetryAfter(http, wait);
            return SignInFormPage(http, null, "Too many failed sign-ins from your network or for this account; wait " +
                WaitText(wait) + " and try again.", StatusCodes.Status429TooManyRequests);
        }

        var user = email is null ? null : await users.FindByEmailAsync(email, http.RequestAborted);
        var (ran, valid) = await gate.RunAsync(() => DashboardPasswordHasher.Verify(password, user), http.RequestAborted);
        if (!ran)
        {
            await limiter.EndAsync(attempt, AttemptOutcome.Abandoned);
            return Busy(http);
        }

        if (!valid)
        {
            await limiter.EndAsync(attempt, AttemptOutcome.Failed);
            return SignInFormPage(http, email, "Wrong e-mail address or password.", StatusCodes.Status401Unauthorized);
        }

        await limiter.EndAsync(attempt, AttemptOutcome.Succeeded);
        await DashboardSession.SignInAsync(http, user!);
        return DashboardPage.SeeOther(http, "/dashboard");
    }

    public static async Task<IResult> SignOut(HttpContext http, SqlDashboardUserStore users)
    {
        var user = DashboardSession.User(http);
        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        await DashboardSession.SignOutAsync(http, user, users);
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

    /// <summary>SHA-256 of a verification or invitation token: only the hash is stored.</summary>
    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A new random token for a link (256 bits, URL-safe).</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static async Task<IResult> SignUpOpenAsync(HttpContext http, SqlDashboardUserStore users, DashboardOptions options, DashboardMailer mailer,
        DashboardUser user, DateTimeOffset now)
    {
        var token = NewToken();
        var created = await users.CreateAsync(user, HashToken(token), now + options.VerificationLifetime, http.RequestAborted);
        var signIn = options.PublicUrl!.TrimEnd('/') + "/dashboard/signin";
        // The same answer whether or not the address already has an account: sign-up does not reveal who is registered.
        bool sent;
        if (created is null)
        {
            sent = await mailer.SendAsync(user.Email, "Your Palisade account",
                $"Someone (perhaps you) tried to sign up with this address, which already has an account.\n\nSign in: {signIn}\n" +
                "If you forgot your password, ask the operator of this server.\n", http.RequestAborted);
        }
        else
        {
            var link = options.PublicUrl!.TrimEnd('/') + "/dashboard/verify?token=" + token;
            sent = await mailer.SendAsync(user.Email, "Verify your Palisade account",
                $"To finish creating your Palisade account, open this link within {WaitText(options.VerificationLifetime)}:\n\n{link}\n\n" +
                "If you did not sign up, ignore this message: no account is usable without it.\n", http.RequestAborted);
            if (!sent)
            {
                await users.DeleteUnverifiedAsync(created.Id, CancellationToken.None);
            }
        }

        if (!sent)
        {
            return DashboardPage.Message(http, null, StatusCodes.Status503ServiceUnavailable, "E-mail not sent",
                "The verification e-mail could not be sent; no account was created. Try again later.");
        }

        return DashboardPage.Render(http, "Check your e-mail", null, html => html
            .Element("p", $"We sent a link to {user.Email}. Open it to verify the address, then sign in.", ("class", "notice"), ("id", "message")),
            StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SignUpInvitedAsync(HttpContext http, SqlDashboardUserStore users, string token, DashboardUser user,
        DateTimeOffset now)
    {
        // Used once: a second sign-up with the same link (even a concurrent one) is refused.
        var hash = HashToken(token);
        if (await users.RedeemInviteAsync(hash, now, http.RequestAborted) is null)
        {
            return DashboardPage.Message(http, null, StatusCodes.Status403Forbidden, "Invitation used",
                "This invitation was already used or has expired. Ask the operator for a new one.");
        }

        // The operator vouched for the holder of the link: the account is verified.
        var created = await users.CreateAsync(user with { VerifiedAt = now }, null, null, http.RequestAborted);
        if (created is null)
        {
            await users.ReturnInviteAsync(hash, CancellationToken.None);
            return SignUpFormPage(http, token, user.Email, "An account with this e-mail address already exists; sign in instead.",
                StatusCodes.Status409Conflict);
        }

        await DashboardSession.SignInAsync(http, created);
        return DashboardPage.SeeOther(http, "/dashboard");
    }

    private static async Task<DashboardInvite?> FindInviteAsync(SqlDashboardUserStore users, string token, IClock clock, CancellationToken cancellationToken)
        => token.Length is > 0 and <= MaxTokenLength ? await users.FindInviteAsync(HashToken(token), clock.UtcNow, cancellationToken) : null;

    private static IResult Busy(HttpContext http)
    {
        DashboardPage.RetryAfter(http, TimeSpan.FromSeconds(5));
        return DashboardPage.Message(http, null, StatusCodes.Status503ServiceUnavailable, "Busy", "The server is busy checking passwords; try again in a few seconds.");
    }

    /// <summary>The shared limit counters (Redis, in a cluster) cannot be reached: refused, never let through unmetered.</summary>
    private static IResult LimitsUnavailable(HttpContext http, string what)
    {
        DashboardPage.RetryAfter(http, TimeSpan.FromSeconds(5));
        return DashboardPage.Message(http, null, StatusCodes.Status503ServiceUnavailable, what + " unavailable",
            what + " is unavailable for a moment: the server cannot reach the shared store that limits attempts. Try again in a few seconds.");
    }

    private static string WaitText(TimeSpan wait) => wait.TotalMinutes >= 90
        ? Math.Ceiling(wait.TotalHours).ToString(CultureInfo.InvariantCulture) + " hours"
        : Math.Max(1, Math.Ceiling(wait.TotalMinutes)).ToString(CultureInfo.InvariantCulture) + " minute(s)";

    private static IResult SignUpRefused(HttpContext http, DashboardOptions options)
        => DashboardPage.Render(http, "Sign-up closed", null, html => html
            .Element("p", options.Mode == DashboardSignUpMode.Invite
                ? "This server accepts new accounts by invitation only, and this link is not a valid invitation. Ask its operator for one."
                : "This server does not accept new accounts. Ask its operator for an account or an API key.", ("class", "error"), ("id", "message"))
            .Open("p").Element("a", "Sign in", ("href", "/dashboard/signin")).Close("p"), StatusCodes.Status403Forbidden);

    private static IResult SignUpFormPage(HttpContext http, string? invite, string? email, string? error, int status)
        => AccountForm(http, "Sign up", "/dashboard/signup", invite, email, error, status);

    private static IResult SignInFormPage(HttpContext http, string? email, string? error, int status)
        => AccountForm(http, "Sign in", "/dashboard/signin", null, email, error, status);

    private static IResult AccountForm(HttpContext http, string title, string action, string? invite, string? email, string? error, int status)
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
            if (invite is not null)
            {
                html.Open("input", ("type", "hidden"), ("name", "invite"), ("value", invite));
            }

            html.Element("label", "E-mail", ("for", "email"))
                .Open("input", ("type", "email"), ("id", "email"), ("name", "email"), ("value", email), ("required", ""), ("autocomplete", "username"),
                    ("maxlength", MaxEmailLength.ToString(CultureInfo.InvariantCulture)), ("readonly", signUp && invite is not null && email is not null ? "" : null))
                .Element("label", "Password", ("for", "password"))
                .Open("input", ("type", "password"), ("id", "password"), ("name", "password"), ("required", ""),
                    ("autocomplete", signUp ? "new-password" : "current-password"));
            if (signUp)
            {
                html.Element("label", "Password again", ("for", "confirm"))
                    .Open("input", ("type", "password"), ("id", "confirm"), ("name", "confirm"), ("required", ""), ("autocomplete", "new-password"))
                    .Element("p", $"At least {DashboardPasswordHasher.MinLength} characters, and not one of the most common passwords.", ("class", "muted"));
            }

            html.Open("p").Element("button", title, ("type", "submit"), ("id", "submit")).Close("p").Close("form");
            if (signUp)
            {
                html.Open("p").Text("Have an account? ").Element("a", "Sign in", ("href", "/dashboard/signin")).Close("p");
            }
            else if (options.Mode == DashboardSignUpMode.Open)
            {
                html.Open("p").Text("No account yet? ").Element("a", "Sign up", ("href", "/dashboard/signup")).Close("p");
            }

            html.Close("section");
        }, status);
    }
}
