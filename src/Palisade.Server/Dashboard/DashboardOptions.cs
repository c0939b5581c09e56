using Palisade.Server.Alerts;

namespace Palisade.Server.Dashboard;

/// <summary>Who may create a dashboard account.</summary>
public enum DashboardSignUpMode
{
    /// <summary>Nobody: operators create keys with the CLI (the default).</summary>
    Closed,

    /// <summary>Only holders of an operator-issued link (<c>palisade accounts invite</c>).</summary>
    Invite,

    /// <summary>Anyone, after proving their e-mail address through a link sent by the configured SMTP server.</summary>
    Open,
}

/// <summary>Configuration section <c>Palisade:Dashboard</c>, validated at start.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Dashboard";

    /// <summary>"closed" (default), "invite" or "open"; "open" needs Palisade:Smtp:Host and <see cref="PublicUrl"/>.</summary>
    public string SignUp { get; set; } = "closed";

    /// <summary>The dashboard's public base URL (e.g. https://palisade.example.org), used in the links of e-mails: never the request's Host.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Tier of the keys that dashboard users create.</summary>
    public string SignUpTier { get; set; } = "free";

    /// <summary>Failed sign-ins allowed per client network (IPv4 address, IPv6 /64) within <see cref="SignInWindow"/>.</summary>
    public int SignInAttempts { get; set; } = 10;

    /// <summary>Failed sign-ins allowed per account (e-mail address, known or not) within <see cref="SignInWindow"/>.</summary>
    public int SignInAttemptsPerAccount { get; set; } = 10;

    /// <summary>Window of the sign-in limits, and the first lock-out; each further lock-out within a day doubles (at most a day).</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-ups ("open" mode) accepted per client network (IPv4 /24, IPv6 /48) per hour, counted before any password hashing.</summary>
    public int SignUpsPerNetworkPerHour { get; set; } = 3;

    /// <summary>Password hashes (PBKDF2) computed at once, server-wide; others wait, so a flood of sign-ins cannot starve the API.</summary>
    public int PasswordHashConcurrency { get; set; } = 2;

    /// <summary>How long an e-mail verification link works.</summary>
    public TimeSpan VerificationLifetime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Most keys (active or revoked) one account may own.</summary>
    public int MaxKeysPerUser { get; set; } = 20;

    /// <summary>Address pages (<c>/dashboard/ip/…</c>) one account may view per UTC day.</summary>
    public int IpLookupsPerDay { get; set; } = 200;

    /// <summary>Alert changes (create, delete) one account may make per UTC day: each reloads the alert matcher.</summary>
    public int AlertChangesPerDay { get; set; } = 100;

    /// <summary>The sign-up mode <see cref="SignUp"/> names (closed when it names none).</summary>
    public DashboardSignUpMode Mode => Enum.TryParse<DashboardSignUpMode>(SignUp, ignoreCase: true, out var mode) ? mode : DashboardSignUpMode.Closed;

    /// <summary>Whether anyone may create an account (by invitation or openly).</summary>
    public bool SignUpOpen => Mode != DashboardSignUpMode.Closed;

    /// <summary>Problems with these settings (each names its setting); empty when they are usable.</summary>
    public IReadOnlyList<string> Problems(SmtpOptions smtp)
    {
        var problems = new List<string>();
        if (!Enum.TryParse<DashboardSignUpMode>(SignUp, ignoreCase: true, out var mode) || int.TryParse(SignUp, out _))
        {
            problems.Add($"{Section}:SignUp is '{SignUp}'; use closed, invite or open.");
        }
        else if (mode == DashboardSignUpMode.Open)
        {
            if (!smtp.IsConfigured)
            {
                problems.Add($"{Section}:SignUp is 'open', which e-mails a verification link to every new account, but no SMTP server is configured: " +
                    "set Palisade:Smtp:Host (and Port, Security, User, Password, From), or use SignUp=invite or closed.");
            }

            if (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                problems.Add($"{Section}:SignUp is 'open' but {Section}:PublicUrl (the dashboard's public base URL, e.g. https://palisade.example.org, " +
                    "used in verification links) is not an absolute http(s) URL.");
            }
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(SignInAttempts), SignInAttempts), (nameof(SignInAttemptsPerAccount), SignInAttemptsPerAccount),
                     (nameof(SignUpsPerNetworkPerHour), SignUpsPerNetworkPerHour), (nameof(PasswordHashConcurrency), PasswordHashConcurrency),
                     (nameof(MaxKeysPerUser), MaxKeysPerUser), (nameof(IpLookupsPerDay), IpLookupsPerDay),
                     (nameof(AlertChangesPerDay), AlertChangesPerDay),
                 })
        {
            if (value < 1)
            {
                problems.Add($"{Section}:{name} must be at least 1 (it is {value}).");
            }
        }

        if (SignInWindow <= TimeSpan.Zero || VerificationLifetime <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:SignInWindow and {Section}:VerificationLifetime must be positive durations.");
        }

        return problems;
    }
}
