using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Palisade.Core.Blocklists;
using Palisade.Core.IO;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Server.Hosting;

/// <summary>
/// The list firewalls pull whole (<c>?plaintext=true&amp;scoreMinimum=0</c>) as it was served when the server stopped,
/// saved beside the index snapshot (<c>full-list.saved</c>) and served after the next start until the first blocklist
/// build is done: that build scores every address (seconds at a million), and a firewall pulling right after a restart
/// would wait for it. The saved list is used only when it holds what the build would list: written at the same
/// shutdown as the snapshot the start read, nothing replayed, re-read or aged out after it (the same number of
/// addresses), the operator whitelist unchanged, no report taken since the start, and at most one score refresh interval
/// old (scores decay: after that the order of a fresh build may differ). It is read once (the file is deleted),
/// so a later crash cannot bring an old one back.
/// </summary>
public sealed class SavedFullList(PalisadeOptions options, ReputationIndex index, IClock clock, ILogger<SavedFullList> logger)
{
    public const string FileName = "full-list.saved";

    private static ReadOnlySpan<byte> Magic => "PALISADE-FULL-LIST-1\n"u8;

    private static ReadOnlySpan<byte> End => "END\n"u8;

    private Saved? _saved;

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetFullPath(options.DataDirectory), FileName);

    /// <summary>The saved list, while it is still the list a build would render (else null, and it is let go).</summary>
    public Saved? Current(BlocklistEngine engine)
    {
        if (Volatile.Read(ref _saved) is not { } saved)
        {
            return null;
        }

        if (!engine.HasSnapshot && index.Version == saved.IndexVersion && Fresh(saved.SavedAtTicks))
        {
            return saved;
        }

        Volatile.Write(ref _saved, null);
        return null;
    }

    /// <summary>Lets the saved list go (the first build is done).</summary>
    public void Release() => Volatile.Write(ref _saved, null);

    /// <summary>Saves <paramref name="list"/>, rendered from the index as the snapshot on disk holds it.</summary>
    public async Task SaveAsync(RenderedBlocklist list, string cursor, long total, IndexSnapshot.Header snapshot, IReadOnlyList<WhitelistEntry> operatorWhitelist,
        CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAsync(Path, async (file, ct) =>
        {
            using (var header = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
            {
                header.Write(Magic);
                header.Write(snapshot.WrittenAt.UtcTicks);
                header.Write(snapshot.LastReportId);
                header.Write(Fingerprint(operatorWhitelist));
                header.Write(clock.UtcNow.UtcTicks);
                header.Write(index.Count);
                header.Write(list.Count);
                header.Write(total);
                header.Write(cursor);
                header.Write(list.ETag);
                header.Write(list.ContentType);
                // The body's length, written once the body is: a list too long for the render cache (millions of
                // addresses) is rendered while written, so its length is known only then.
                header.Write(0L);
            }

            var lengthAt = file.Position - sizeof(long);
            var bodyAt = file.Position;
            await list.WriteToAsync(file, ct);
            var length = file.Position - bodyAt;
            var bytes = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, length);
            file.Position = lengthAt;
            await file.WriteAsync(bytes, ct);
            file.Position = bodyAt + length;
            await file.WriteAsync(End.ToArray(), ct);
        }, cancellationToken, bufferSize: 1 << 16);
    }

    /// <summary>Reads the saved list if it belongs to <paramref name="snapshot"/> (the snapshot the start read, null when the
    /// index is not as that snapshot holds it) and the whitelist is as it was; the file is deleted either way.</summary>
    public void Load(IndexSnapshot.Header? snapshot, IReadOnlyList<WhitelistEntry> operatorWhitelist)
    {
        if (!File.Exists(Path))
        {
            return;
        }

        if (snapshot is null)
        {
            File.Delete(Path);
            return;
        }

        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            using var reader = new BinaryReader(file, Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt64() != snapshot.WrittenAt.UtcTicks ||
                reader.ReadInt64() != snapshot.LastReportId || reader.ReadString() != Fingerprint(operatorWhitelist))
            {
                return;
            }

            var savedAt = reader.ReadInt64();
            var addresses = reader.ReadInt32();
            var count = reader.ReadInt32();
            var total = reader.ReadInt64();
            var cursor = reader.ReadString();
            var etag = reader.ReadString();
            var contentType = reader.ReadString();
            var length = reader.ReadInt64();
            if (!Fresh(savedAt) || addresses != index.Count || length < 0 || length > Array.MaxLength || length > file.Length - file.Position - End.Length)
            {
                return;
            }

            var body = reader.ReadBytes((int)length);
            if (body.Length != length || !reader.ReadBytes(End.Length).AsSpan().SequenceEqual(End) || file.Position != file.Length)
            {
                return;
            }

            Volatile.Write(ref _saved, new Saved(body, count, total, cursor, etag, contentType, index.Version, savedAt));
            logger.LogInformation("The full list saved at shutdown ({Addresses} addresses) is served until the first blocklist build is done", count);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "The saved full list {Path} could not be read; the first list waits for the first build", Path);
        }
        finally
        {
            File.Delete(Path);
        }
    }

    private bool Fresh(long savedAtTicks)
        => clock.UtcNow.UtcTicks - savedAtTicks is var age && age >= 0 && age <= index.Options.ScoreRefreshInterval.Ticks;

    // The operator's whitelist entries as text, hashed: an entry added, removed or changed while the server was down
    // changes what the list holds.
    private static string Fingerprint(IReadOnlyList<WhitelistEntry> entries)
    {
        var text = string.Join('\n', entries.Select(e => string.Create(CultureInfo.InvariantCulture,
            $"{e.Network}|{e.Name}|{e.Multiplier:R}|{e.Source}|{e.ExpiresAt?.UtcTicks}")).Order(StringComparer.Ordinal));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A saved full list: its bytes and what the list's answer carries beside them.</summary>
    public sealed record Saved(byte[] Body, int Count, long Total, string Cursor, string ETag, string ContentType, long IndexVersion, long SavedAtTicks);
}
