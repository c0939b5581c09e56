namespace Palisade.Storage.Sqlite;

/// <summary>
/// An exclusive lock on the data folder (<c>palisade.lock</c>, held open with <see cref="FileShare.None"/>, which .NET
/// maps to <c>flock(LOCK_EX)</c>): two servers on one SQLite folder would each count quotas in memory and miss each
/// other's reports. The kernel drops the lock when the process dies, even on kill -9, so a stale file never blocks.
/// The CLI's admin commands do not take it: they are meant to run next to the server.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "palisade.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        var path = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            return new DataDirectoryLock(new FileStream(path, options));
        }
        catch (IOException ex)
        {
            throw new DataDirectoryException(
                $"Another Palisade server is already running on the data folder {Path.GetDirectoryName(path)} (it holds {path}). " +
                "Stop it first, or give this server its own --data folder; several nodes share data through PostgreSQL (--postgres).", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
