using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Server.Dashboard;

/// <summary>PBKDF2-SHA256 password hashes with a per-user salt (OWASP's 2023 floor of 210,000 iterations), and the password rules.</summary>
public static class DashboardPasswordHasher
{
    public const int Iterations = 210_000;
    public const int MinLength = 12;
    public const int MaxLength = 256;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verifying an unknown e-mail costs the same as a known one, so timing does not reveal which accounts exist.
    private static readonly byte[] DecoySalt = RandomNumberGenerator.GetBytes(SaltBytes);
    private static readonly FrozenSet<string> Common = LoadCommon();

    public static (byte[] Hash, byte[] Salt) Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (Derive(password, salt, Iterations), salt);
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the account's (null: no such account). The same PBKDF2 work runs on every
    /// path, and the input is capped at <see cref="MaxLength"/> before hashing, so neither an unknown e-mail nor a huge
    /// password answers faster or slower.
    /// </summary>
    public static bool Verify(string password, Storage.DashboardUser? user)
    {
        var tooLong = password.Length > MaxLength;
        var input = tooLong ? password[..MaxLength] : password;
        if (user is null)
        {
            Derive(input, DecoySalt, Iterations);
            return false;
        }

        var matches = CryptographicOperations.FixedTimeEquals(Derive(input, user.PasswordSalt, user.Iterations), user.PasswordHash);
        return matches && !tooLong;
    }

    /// <summary>Null when acceptable, else what is wrong with it (length, or one of the passwords guessing lists try first).</summary>
    public static string? Problem(string password)
    {
        if (password.Length < MinLength)
        {
            return $"The password must be at least {MinLength} characters long.";
        }

        if (password.Length > MaxLength)
        {
            return $"The password must be at most {MaxLength} characters long.";
        }

        var lower = password.ToLowerInvariant();
        var stem = lower.TrimEnd("0123456789!@#$%^&*()-_=+.,?~ ".ToCharArray());
        if (Common.Contains(lower) || Common.Contains(stem) || lower.Distinct().Count() <= 2)
        {
            return "This password is among the first that attackers try; choose a less common one (a few unrelated words work well).";
        }

        return null;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static FrozenSet<string> LoadCommon()
    {
        var assembly = typeof(DashboardPasswordHasher).Assembly;
        using var stream = assembly.GetManifestResourceStream("Palisade.Server.Dashboard.Assets.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from " + assembly.GetName().Name + ".");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                words.Add(line.Trim().ToLowerInvariant());
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
