using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// A minimal SSH-2 server that only captures authentication attempts. The subset (docs/sensor.md): version exchange;
/// one key exchange with ecdh-sha2-nistp256, host key ecdsa-sha2-nistp256, aes128-ctr, hmac-sha2-256, no compression;
/// the ssh-userauth service; "password" and "publickey" requests are recorded and always answered with
/// USERAUTH_FAILURE (a public key is never accepted, so clients never sign); no re-keying, no channels — after
/// <see cref="SensorSettings.MaxAttemptsPerConnection"/> attempts, or on anything else, it disconnects.
/// Built on System.Security.Cryptography only (AES-CTR from AES-ECB).
/// </summary>
internal sealed class SshHandler(SensorConnection connection, SshHostKey hostKey) : IDisposable
{
    public const string ServerVersion = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10";
    private const string Kex = "ecdh-sha2-nistp256";
    private const string Cipher = "aes128-ctr";
    private const string Mac = "hmac-sha2-256";
    private const int MaxPacket = 35_000;

    private const byte MsgDisconnect = 1;
    private const byte MsgIgnore = 2;
    private const byte MsgUnimplemented = 3;
    private const byte MsgDebug = 4;
    private const byte MsgServiceRequest = 5;
    private const byte MsgServiceAccept = 6;
    private const byte MsgKexInit = 20;
    private const byte MsgNewKeys = 21;
    private const byte MsgKexEcdhInit = 30;
    private const byte MsgKexEcdhReply = 31;
    private const byte MsgUserauthRequest = 50;
    private const byte MsgUserauthFailure = 51;

    private uint _sendSequence;
    private uint _receiveSequence;
    private CtrCipher? _encrypt;
    private CtrCipher? _decrypt;
    private byte[]? _sendMacKey;
    private byte[]? _receiveMacKey;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await connection.WriteAsync(ServerVersion + "\r\n", cancellationToken);
        string? clientVersion = null;
        for (var i = 0; i < 10 && clientVersion is null; i++)
        {
            var line = await connection.ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return;
            }

            if (line.StartsWith("SSH-", StringComparison.Ordinal))
            {
                clientVersion = line;
            }
        }

        if (clientVersion is null || !clientVersion.StartsWith("SSH-2.0-", StringComparison.Ordinal) && !clientVersion.StartsWith("SSH-1.99-", StringComparison.Ordinal))
        {
            connection.Record(SensorEventKind.Probe, detail: clientVersion);
            return;
        }

        var serverKexInit = new SshWriter().Byte(MsgKexInit).Raw(RandomNumberGenerator.GetBytes(16))
            .String(Kex).String(SshHostKey.Algorithm).String(Cipher).String(Cipher).String(Mac).String(Mac)
            .String("none").String("none").String("").String("").Bool(false).UInt32(0).ToArray();
        await SendAsync(serverKexInit, cancellationToken);
        var clientKexInit = await ReceiveAsync(cancellationToken);
        if (clientKexInit[0] != MsgKexInit)
        {
            throw new SshProtocolException("expected KEXINIT");
        }

        var offer = new SshReader(clientKexInit);
        offer.Byte();
        offer.Skip(16);
        var lists = new string[10][];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = offer.NameList();
        }

        if (!lists[0].Contains(Kex) || !lists[1].Contains(SshHostKey.Algorithm) || !lists[2].Contains(Cipher) || !lists[3].Contains(Cipher) ||
            !lists[4].Contains(Mac) || !lists[5].Contains(Mac) || !lists[6].Contains("none") || !lists[7].Contains("none"))
        {
            // A client without any algorithm in common: it still knocked, and told which version it runs.
            connection.Record(SensorEventKind.Probe, detail: clientVersion);
            await DisconnectAsync(3, "no matching algorithms", cancellationToken);
            return;
        }

        var ecdhInit = await ReceiveAsync(cancellationToken);
        if (ecdhInit[0] != MsgKexEcdhInit)
        {
            throw new SshProtocolException("expected KEX_ECDH_INIT");
        }

        var reader = new SshReader(ecdhInit);
        reader.Byte();
        var clientPublic = reader.String();
        if (clientPublic.Length != 65 || clientPublic[0] != 0x04)
        {
            throw new SshProtocolException("bad ECDH public key");
        }

        using var ecdh = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        byte[] secret;
        try
        {
            using var peer = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = clientPublic[1..33], Y = clientPublic[33..] },
            });
            secret = ecdh.DeriveRawSecretAgreement(peer.PublicKey);
        }
        catch (CryptographicException ex)
        {
            throw new SshProtocolException("bad ECDH public key", ex);
        }

        var q = ecdh.ExportParameters(false).Q;
        byte[] serverPublic = [0x04, .. q.X!, .. q.Y!];
        var sharedSecret = new SshWriter().MPInt(secret).ToArray();
        var exchangeHash = SHA256.HashData(new SshWriter()
            .String(Encoding.ASCII.GetBytes(clientVersion)).String(Encoding.ASCII.GetBytes(ServerVersion))
            .String(clientKexInit).String(serverKexInit).String(hostKey.PublicBlob)
            .String(clientPublic).String(serverPublic).Raw(sharedSecret).ToArray());
        await SendAsync(new SshWriter().Byte(MsgKexEcdhReply).String(hostKey.PublicBlob).String(serverPublic).String(hostKey.Sign(exchangeHash)).ToArray(),
            cancellationToken);
        await SendAsync([MsgNewKeys], cancellationToken);
        if ((await ReceiveAsync(cancellationToken))[0] != MsgNewKeys)
        {
            throw new SshProtocolException("expected NEWKEYS");
        }

        byte[] Derive(char letter, int length) =>
            SHA256.HashData([.. sharedSecret, .. exchangeHash, (byte)letter, .. exchangeHash])[..length];
        _decrypt = new CtrCipher(Derive('C', 16), Derive('A', 16));
        _encrypt = new CtrCipher(Derive('D', 16), Derive('B', 16));
        _receiveMacKey = Derive('E', 32);
        _sendMacKey = Derive('F', 32);
        await AuthenticateAsync(cancellationToken);
    }

    private async Task AuthenticateAsync(CancellationToken cancellationToken)
    {
        var failure = new SshWriter().Byte(MsgUserauthFailure).String("publickey,password").Bool(false).ToArray();
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            var reader = new SshReader(message);
            switch (reader.Byte())
            {
                case MsgServiceRequest:
                    var service = reader.Text();
                    if (service != "ssh-userauth")
                    {
                        await DisconnectAsync(7, "service not available", cancellationToken);
                        return;
                    }

                    await SendAsync(new SshWriter().Byte(MsgServiceAccept).String(service).ToArray(), cancellationToken);
                    break;
                case MsgUserauthRequest:
                    var user = reader.Text();
                    reader.Text();
                    var method = reader.Text();
                    if (method == "password")
                    {
                        reader.Bool();
                        connection.Record(SensorEventKind.Login, user, reader.Text(), detail: "password");
                    }
                    else if (method == "publickey")
                    {
                        reader.Bool();
                        var algorithm = reader.Text();
                        var blob = reader.String();
                        connection.Record(SensorEventKind.Login, user,
                            detail: $"publickey {SensorAggregatorClean(algorithm)} SHA256:{Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=')}");
                    }

                    if (!connection.AttemptsLeft)
                    {
                        await DisconnectAsync(14, "Too many authentication failures", cancellationToken);
                        return;
                    }

                    await SendAsync(failure, cancellationToken);
                    break;
                case MsgIgnore:
                case MsgDebug:
                case MsgUnimplemented:
                    break;
                case MsgDisconnect:
                    return;
                default:
                    // Re-keying, channels and everything else are outside the subset.
                    await DisconnectAsync(2, "unexpected message", cancellationToken);
                    return;
            }
        }
    }

    public void Dispose()
    {
        _encrypt?.Dispose();
        _decrypt?.Dispose();
    }

    private static string SensorAggregatorClean(string text) => SensorAggregator.Clean(text, 40) ?? "";

    private Task DisconnectAsync(uint reason, string description, CancellationToken cancellationToken)
        => SendAsync(new SshWriter().Byte(MsgDisconnect).UInt32(reason).String(description).String("").ToArray(), cancellationToken);

    private async Task SendAsync(byte[] payload, CancellationToken cancellationToken)
    {
        const int block = 16;
        var padding = block - ((payload.Length + 5) % block);
        if (padding < 4)
        {
            padding += block;
        }

        var packet = new byte[5 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        RandomNumberGenerator.Fill(packet.AsSpan(5 + payload.Length));
        byte[] wire;
        if (_encrypt is null)
        {
            wire = packet;
        }
        else
        {
            var mac = Hmac(_sendMacKey!, _sendSequence, packet);
            _encrypt.Transform(packet);
            wire = [.. packet, .. mac];
        }

        _sendSequence++;
        await connection.WriteAsync(wire, cancellationToken);
    }

    /// <summary>The next packet's payload, skipping nothing; MAC checked once keys are in use.</summary>
    private async Task<byte[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        const int block = 16;
        var first = new byte[block];
        if (!await connection.ReadExactlyAsync(_encrypt is null ? first.AsMemory(0, 5) : first, cancellationToken))
        {
            throw new SshProtocolException("connection closed");
        }

        _decrypt?.Transform(first);
        var length = BinaryPrimitives.ReadUInt32BigEndian(first);
        if (length is < 5 or > MaxPacket)
        {
            throw new SshProtocolException("bad packet length");
        }

        var packet = new byte[4 + length];
        var have = _encrypt is null ? 5 : block;
        if (packet.Length < have)
        {
            throw new SshProtocolException("bad packet length");
        }

        first.AsSpan(0, have).CopyTo(packet);
        if (!await connection.ReadExactlyAsync(packet.AsMemory(have), cancellationToken))
        {
            throw new SshProtocolException("connection closed");
        }

        if (_decrypt is not null)
        {
            if ((packet.Length % block) != 0)
            {
                throw new SshProtocolException("packet not a multiple of the block size");
            }

            _decrypt.Transform(packet.AsSpan(have));
            var mac = new byte[32];
            if (!await connection.ReadExactlyAsync(mac, cancellationToken) ||
                !CryptographicOperations.FixedTimeEquals(mac, Hmac(_receiveMacKey!, _receiveSequence, packet)))
            {
                throw new SshProtocolException("bad MAC");
            }
        }

        _receiveSequence++;
        var padding = packet[4];
        if (padding < 4 || padding > length - 1)
        {
            throw new SshProtocolException("bad padding");
        }

        var payload = packet.AsSpan(5, (int)length - 1 - padding).ToArray();
        return payload.Length == 0 ? throw new SshProtocolException("empty packet") : payload;
    }

    private static byte[] Hmac(byte[] key, uint sequence, byte[] packet)
    {
        var data = new byte[4 + packet.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data, sequence);
        packet.CopyTo(data, 4);
        return HMACSHA256.HashData(key, data);
    }

    /// <summary>AES-128 in counter mode (RFC 4344), built from AES-ECB: the keystream is the encrypted 128-bit big-endian counter.</summary>
    private sealed class CtrCipher : IDisposable
    {
        private readonly Aes _aes = Aes.Create();
        private readonly byte[] _counter;
        private readonly byte[] _stream = new byte[16];
        private int _used = 16;

        public CtrCipher(byte[] key, byte[] iv)
        {
            _aes.Key = key;
            _counter = iv;
        }

        public void Dispose() => _aes.Dispose();

        public void Transform(Span<byte> data)
        {
            for (var i = 0; i < data.Length; i++)
            {
                if (_used == 16)
                {
                    _aes.EncryptEcb(_counter, _stream, PaddingMode.None);
                    for (var j = 15; j >= 0 && ++_counter[j] == 0; j--)
                    {
                    }

                    _used = 0;
                }

                data[i] ^= _stream[_used++];
            }
        }
    }
}
