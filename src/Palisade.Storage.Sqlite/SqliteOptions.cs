namespace Palisade.Storage.Sqlite;

public sealed class SqliteOptions
{
    /// <summary>Folder holding palisade.db (and its WAL files).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>fsync on every commit (survives power loss, slower). Off: survives a killed process.</summary>
    public bool FullSync { get; set; }
}
