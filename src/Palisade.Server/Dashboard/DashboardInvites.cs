using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>Operator-issued sign-up links (<c>palisade accounts invite</c>), for <c>Palisade:Dashboard:SignUp=invite</c>.</summary>
public static class DashboardInvites
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// Stores a new single-use invitation (only its hash) and returns the link's path and query. A bound
    /// <paramref name="email"/> is the only address the link can sign up.
    /// </summary>
    public static async Task<string> IssueAsync(SqlDashboardUserStore users, string? email, TimeSpan lifetime, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        string? bound = null;
        if (email is not null && (bound = DashboardAccountPages.NormalizeEmail(email)) is null)
        {
            throw new ArgumentException($"'{email}' is not a valid e-mail address.", nameof(email));
        }

        var token = DashboardAccountPages.NewToken();
        await users.CreateInviteAsync(DashboardAccountPages.HashToken(token), bound, now, now + lifetime, cancellationToken);
        return "/dashboard/signup?invite=" + token;
    }
}
