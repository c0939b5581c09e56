namespace Palisade.Core.IO;

/// <summary>
/// Writes a file whole or not at all: into a hidden temporary file beside it (named by the process, so two processes
/// never write the same one), flushed to disk, then renamed over the target. A reader, a restart or a crash sees the old
/// file or the new one, never half of one; a failed write leaves no temporary file behind. The files Palisade writes from
/// a stream go through here (index snapshot, saved full list, guard state, SSH host key, geo data, client downloads);
/// <c>palisade backup</c> renames its own partial file the same way, as SQLite's backup writes to a path, not a stream.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>. <paramref name="mode"/>: the file's permissions
    /// from its creation on (a private key is never readable by others, not even for a moment); else the umask's.</summary>
    public static async Task WriteAsync(string path, Func<FileStream, CancellationToken, Task> write, CancellationToken cancellationToken,
        UnixFileMode? mode = null, int bufferSize = 81_920)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = TemporaryPath(path);
        try
        {
            await using (var file = Open(temporary, mode, bufferSize))
            {
                await write(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The synchronous form of <see cref="WriteAsync"/>.</summary>
    public static void Write(string path, Action<FileStream> write, UnixFileMode? mode = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = TemporaryPath(path);
        try
        {
            using (var file = Open(temporary, mode, 4096))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static string TemporaryPath(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
    }

    private static FileStream Open(string temporary, UnixFileMode? mode, int bufferSize)
    {
        // A leftover of a crashed process with this id would keep its permissions: start from nothing.
        File.Delete(temporary);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
        };
        if (mode is { } permissions && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = permissions;
        }

        return new FileStream(temporary, options);
    }
}
