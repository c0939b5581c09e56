namespace Palisade.Storage.Sqlite;

/// <summary>
/// The data folder's permissions and the sanity of palisade.db before it is opened. The database holds webhook secrets,
/// password hashes and e-mail addresses: the folder is kept 0700 and the database files 0600 (tightened on every
/// start, so an older installation is fixed too). A palisade.db that exists but is empty or not an SQLite database is
/// refused: SQLite would silently turn it into a new, empty store and every key would stop working.
/// </summary>
public static class DataDirectoryFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Creates the folder (0700) if needed and tightens an existing one.</summary>
    public static void PrepareFolder(string dataDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
            return;
        }

        Directory.CreateDirectory(dataDirectory, FolderMode);
        Tighten(dataDirectory, FolderMode);
    }

    /// <summary>Throws <see cref="DataDirectoryException"/> when <paramref name="databaseFile"/> exists but is not a database.</summary>
    public static void CheckDatabase(string databaseFile)
    {
        var info = new FileInfo(databaseFile);
        if (!info.Exists)
        {
            return;
        }

        if (info.Length == 0)
        {
            throw new DataDirectoryException(
                $"{databaseFile} is empty (0 bytes), so it holds no keys or reports. Refusing to start over it with a new, empty database: " +
                "restore it from a backup (palisade backup), or delete it to start a new installation.");
        }

        Span<byte> header = stackalloc byte[16];
        int read;
        using (var stream = new FileStream(databaseFile, System.IO.FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        if (read < header.Length || !header.SequenceEqual(SqliteHeader))
        {
            throw new DataDirectoryException(
                $"{databaseFile} is not an SQLite database. Refusing to start: restore it from a backup, or move it away to start a new installation.");
        }
    }

    /// <summary>Sets palisade.db and its -wal/-shm files to 0600.</summary>
    public static void TightenDatabase(string databaseFile)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var file in (ReadOnlySpan<string>)[databaseFile, databaseFile + "-wal", databaseFile + "-shm", databaseFile + "-journal"])
        {
            if (File.Exists(file))
            {
                Tighten(file, FileMode);
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, UnixFileMode mode)
    {
        try
        {
            if ((File.GetUnixFileMode(path) & ~mode) != 0)
            {
                File.SetUnixFileMode(path, mode);
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Not ours to change (another owner, a read-only mount): the store still works; nothing to tighten.
        }
    }
}
