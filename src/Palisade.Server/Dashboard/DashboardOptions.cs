namespace Palisade.Server.Dashboard;

/// <summary>Configuration section <c>Palisade:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>"open" lets anyone create an account; "closed" shows sign-in only (operators create keys with the CLI).</summary>
    public string SignUp { get; set; } = "open";

    /// <summary>Tier of the keys that dashboard users create.</summary>
    public string SignUpTier { get; set; } = "free";

    /// <summary>Failed sign-ins allowed per client address within <see cref="SignInWindow"/>.</summary>
    public int SignInAttempts { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Most keys (active or revoked) one account may own.</summary>
    public int MaxKeysPerUser { get; set; } = 20;

    public bool SignUpOpen => !string.Equals(SignUp, "closed", StringComparison.OrdinalIgnoreCase);
}
