using System.Text;
using Palisade.Core.IO;

namespace Palisade.Core.Tests.IO;

/// <summary>Files rewritten in place (snapshot, saved list, guard state, host key, geo data): whole or not at all.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("palisade-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public async Task A_write_replaces_the_old_file_whole_and_leaves_nothing_else_in_the_folder()
    {
        var path = PathOf("state.json");
        await File.WriteAllTextAsync(path, "old, and longer than the new one");

        await AtomicFile.WriteAsync(path, (file, ct) => file.WriteAsync(Encoding.UTF8.GetBytes("new"), ct).AsTask(), default);

        Assert.Equal("new", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_write_that_fails_halfway_leaves_the_old_file_as_it_was_and_no_temporary_file()
    {
        var path = PathOf("index.snapshot");
        await File.WriteAllTextAsync(path, "the previous snapshot");

        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(path, async (file, ct) =>
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes("half of a new snap"), ct);
            throw new IOException("disk full");
        }, default));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, file =>
        {
            file.Write("half"u8);
            throw new InvalidOperationException("interrupted");
        }));

        Assert.Equal("the previous snapshot", await File.ReadAllTextAsync(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the suite runs on Debian
    public void A_file_written_with_owner_only_permissions_has_them_from_its_creation_on()
    {
        var path = PathOf("ssh_host_ecdsa_key");
        UnixFileMode? seen = null;

        AtomicFile.Write(path, file =>
        {
            seen = File.GetUnixFileMode(file.SafeFileHandle); // the temporary file, before anything is written to it
            file.Write("-----BEGIN PRIVATE KEY-----"u8);
        }, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, seen);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path));
    }
}
