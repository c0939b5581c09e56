using System.Security.Cryptography;
using System.Text;
using Palisade.Core.IO;

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
        // Owner-only from its creation (written and then restricted, the key was readable under the umask for a moment).
        var pem = Encoding.UTF8.GetBytes(key.ExportPkcs8PrivateKeyPem());
        AtomicFile.Write(path, file => file.Write(pem), UnixFileMode.UserRead | UnixFileMode.UserWrite);
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
