namespace Palisade.Storage;

/// <summary>
/// A dashboard account: e-mail (lower-case) and its PBKDF2 password hash (the password itself is never kept), the
/// security stamp every session carries (a new stamp ends all sessions, on every node), and when the e-mail address
/// was verified (null: not yet, and the account may not own keys). <see cref="SignUpNetwork"/> is the client network
/// (IPv4 /24, IPv6 /48) the account was created from, so accounts made from one network can be counted together.
/// </summary>
public sealed record DashboardUser(long Id, string Email, byte[] PasswordHash, byte[] PasswordSalt, int Iterations, DateTimeOffset CreatedAt,
    string SecurityStamp = "", DateTimeOffset? VerifiedAt = null, string? SignUpNetwork = null)
{
    public bool IsVerified => VerifiedAt is not null;
}

/// <summary>An operator-issued sign-up link, kept as the hash of its token; optionally bound to one e-mail address.</summary>
public sealed record DashboardInvite(string? Email, DateTimeOffset ExpiresAt);
