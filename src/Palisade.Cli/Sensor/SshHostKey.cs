using System.Security.Cryptography;

namespace Palisade.Cli.Sensor;

/// <summary>
/// The sensor's ecdsa-sha2-nistp256 host key, created once and kept in the data folder (PKCS#8 PEM, readable by the
/// owner only) so returning scanners see the same host.
/// </summary>
internal sealed class SshHostKey
{
    public const string Algorithm = "ecdsa-sha2-nistp256";
    public const string Curve = "nistp256";

    private SshHostKey(ECDsa key)
    {
        Key = key;
        var q = key.ExportParameters(false).Q;
        PublicBlob = new SshWriter().String(Algorithm).String(Curve).String([0x04, .. q.X!, .. q.Y!]).ToArray();
    }

    public ECDsa Key { get; }

    /// <summary>The public key as SSH sends it (K_S).</summary>
    public byte[] PublicBlob { get; }

    public string Fingerprint => "SHA256:" + Convert.ToBase64String(SHA256.HashData(PublicBlob)).TrimEnd('=');

    public static SshHostKey LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "ssh_host_ecdsa_key");
        var key = ECDsa.Create();
        if (File.Exists(path))
        {
            key.ImportFromPem(File.ReadAllText(path));
            return new SshHostKey(key);
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        return new SshHostKey(key);
    }

    /// <summary>The signature of an exchange hash as ecdsa-sha2-nistp256 sends it (RFC 5656 §3.1.2).</summary>
    public byte[] Sign(byte[] exchangeHash)
    {
        var signature = Key.SignData(exchangeHash, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var inner = new SshWriter().MPInt(signature.AsSpan(0, 32)).MPInt(signature.AsSpan(32, 32)).ToArray();
        return new SshWriter().String(Algorithm).String(inner).ToArray();
    }
}
