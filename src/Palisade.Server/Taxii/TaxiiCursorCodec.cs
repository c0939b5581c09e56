using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>
/// Turns cursors into opaque tokens and back: base64url(JSON) "." base64url(HMAC-SHA256). The key lives in the store,
/// so tokens stay valid across restarts and on every node; a token that was altered or not issued here is refused.
/// </summary>
public sealed class TaxiiCursorCodec(ITaxiiStore store) : IDisposable
{
    public const int MaxTokenLength = 16 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    public async Task<string> EncodeAsync(TaxiiCursor cursor, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("c", cursor.Collection);
            writer.WriteString("e", cursor.Endpoint);
            if (cursor.ObjectId is not null)
            {
                writer.WriteString("o", cursor.ObjectId);
            }

            writer.WriteNumber("p", cursor.Position);
            writer.WriteStartObject("f");
            foreach (var (name, value) in cursor.Filters)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var payload = buffer.WrittenSpan.ToArray();
        var mac = HMACSHA256.HashData(await KeyAsync(cancellationToken), payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac.AsSpan(0, 16));
    }

    public async Task<TaxiiCursor?> DecodeAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length > MaxTokenLength)
        {
            return null;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return null;
        }

        byte[] payload, mac;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        var expected = HMACSHA256.HashData(await KeyAsync(cancellationToken), payload).AsSpan(0, 16);
        if (mac.Length != 16 || !CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var filters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("f").EnumerateObject())
            {
                filters[property.Name] = property.Value.GetString()!;
            }

            return new TaxiiCursor(root.GetProperty("c").GetInt32(), root.GetProperty("e").GetString()!,
                root.TryGetProperty("o", out var objectId) ? objectId.GetString() : null, root.GetProperty("p").GetInt64(), filters);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _key) is { } key)
        {
            return key;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _key ??= await store.GetOrCreateCursorKeyAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
