using System.Security.Cryptography;
using System.Text;

namespace Palisade.Server.Dashboard;

/// <summary>PBKDF2-SHA256 password hashes with a per-user salt (OWASP's 2023 floor of 210,000 iterations).</summary>
public static class DashboardPasswordHasher
{
    public const int Iterations = 210_000;
    public const int MinLength = 10;
    public const int MaxLength = 256;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verifying an unknown e-mail costs the same as a known one, so timing does not reveal which accounts exist.
    private static readonly byte[] DecoySalt = RandomNumberGenerator.GetBytes(SaltBytes);

    public static (byte[] Hash, byte[] Salt) Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (Derive(password, salt, Iterations), salt);
    }

    public static bool Verify(string password, byte[] hash, byte[] salt, int iterations)
        => CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), hash);

    public static void VerifyDecoy(string password) => Derive(password, DecoySalt, Iterations);

    /// <summary>Null when acceptable, else what is wrong with it.</summary>
    public static string? Problem(string password) => password.Length switch
    {
        < MinLength => $"The password must be at least {MinLength} characters long.",
        > MaxLength => $"The password must be at most {MaxLength} characters long.",
        _ => null,
    };

    private static byte[] Derive(string password, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
