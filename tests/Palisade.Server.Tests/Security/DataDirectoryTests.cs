using System.Net;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Security;

/// <summary>The SQLite data folder, with the real <c>palisade serve</c>: one server per folder, an empty palisade.db
/// refused, owner-only permissions. Always on the embedded database, also in the PostgreSQL pass (an empty --postgres
/// keeps the command on it): these are properties of the folder that holds palisade.db.</summary>
public sealed class DataDirectoryTests : IDisposable
{
    private static readonly string[] OnSqlite = ["--postgres", ""];

    private readonly string _data = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_data);

    [Fact]
    public async Task A_second_server_on_the_same_folder_exits_with_a_clear_message_and_the_first_keeps_serving()
    {
        using var first = await PalisadeProcess.ServeAsync(_data, OnSqlite);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => PalisadeProcess.ServeAsync(_data, OnSqlite));
        Assert.Contains("Another Palisade server is already running on the data folder", second.Message, StringComparison.Ordinal);

        using var client = new HttpClient { BaseAddress = first.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        // The lock dies with its process, even on kill -9: the folder is usable again at once.
        first.Kill();
        using var third = await PalisadeProcess.ServeAsync(_data, OnSqlite);
        using var again = new HttpClient { BaseAddress = third.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task An_empty_palisade_db_is_refused_and_left_alone()
    {
        var file = Path.Combine(_data, "palisade.db");
        await File.WriteAllBytesAsync(file, []);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PalisadeProcess.ServeAsync(_data, OnSqlite));
        Assert.Contains("is empty (0 bytes)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(file).Length);

        await File.WriteAllTextAsync(file, "this is not a database, it is a text file of some length");
        var garbage = await Assert.ThrowsAsync<InvalidOperationException>(() => PalisadeProcess.ServeAsync(_data, OnSqlite));
        Assert.Contains("is not an SQLite database", garbage.Message, StringComparison.Ordinal);

        var keys = await PalisadeProcess.RunAsync(["keys", "create", "--data", _data, "--name", "x", .. OnSqlite]);
        Assert.NotEqual(0, keys.ExitCode);
        Assert.StartsWith("this is not a database", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_folder_is_0700_and_the_database_files_0600_also_for_an_older_installation()
    {
        File.SetUnixFileMode(_data, (UnixFileMode)0b111_101_101);
        var created = await PalisadeProcess.RunAsync(["keys", "create", "--data", _data, "--name", "perm", .. OnSqlite]);
        Assert.Equal(0, created.ExitCode);
        File.SetUnixFileMode(_data, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(_data, "palisade.db"), (UnixFileMode)0b110_100_100);

        using (var server = await PalisadeProcess.ServeAsync(_data, OnSqlite))
        {
            Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(_data));
            foreach (var file in Directory.GetFiles(_data, "palisade.*"))
            {
                Assert.True(File.GetUnixFileMode(file) == (UnixFileMode)0b110_000_000, $"{file} is {File.GetUnixFileMode(file)}");
            }

            Assert.Contains(Directory.GetFiles(_data), f => f.EndsWith("palisade.db-wal", StringComparison.Ordinal));
        }

        // A new installation: the folder is created 0700.
        var fresh = Path.Combine(_data, "fresh");
        Assert.Equal(0, (await PalisadeProcess.RunAsync(["keys", "create", "--data", fresh, "--name", "perm", .. OnSqlite])).ExitCode);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(fresh));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(fresh, "palisade.db")));
    }
}
