using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Palisade.Storage.Sqlite;

/// <summary>Binding values to raw prepared statements (the report insert, the TAXII log appends).</summary>
internal static class SqliteBinding
{
    /// <summary>Throws for a bind that failed (out of memory, a value too big): a row must not keep the previous row's value.</summary>
    public static void Bound(sqlite3 db, int rc, string what)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
            throw new SqliteException($"Binding {what} returned SQLite code {rc}.", rc);
        }
    }

    public static int Bind(sqlite3_stmt statement, int index, string? value)
        => value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, value);

    public static int Bind(sqlite3_stmt statement, int index, long? value)
        => value is { } number ? raw.sqlite3_bind_int64(statement, index, number) : raw.sqlite3_bind_null(statement, index);
}
