namespace Palisade.Storage.Sqlite;

/// <summary>Where and how the embedded SQLite store writes (from <c>Palisade:DataDirectory</c> and <c>Palisade:FullSync</c>).</summary>
public sealed class SqliteOptions
{
    /// <summary>Folder holding palisade.db (and its WAL files).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>fsync on every commit (survives power loss, slower). Off: survives a killed process.</summary>
    public bool FullSync { get; set; }
}
