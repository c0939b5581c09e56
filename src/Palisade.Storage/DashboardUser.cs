namespace Palisade.Storage;

/// <summary>A dashboard account: e-mail (lower-case) and its PBKDF2 password hash; the password itself is never kept.</summary>
public sealed record DashboardUser(long Id, string Email, byte[] PasswordHash, byte[] PasswordSalt, int Iterations, DateTimeOffset CreatedAt);
