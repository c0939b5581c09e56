namespace Palisade.Core.Text;

/// <summary>
/// Text that reaches the store. PostgreSQL cannot hold U+0000 in a text column (SQLite can), so NUL is removed from
/// reports' free text on every engine alike, before validation: the same report is stored the same way on both, and a
/// NUL in one row never fails a whole bulk upload or a migration.
/// </summary>
public static class StoredText
{
    public static string? WithoutNul(string? text)
        => text is null || !text.Contains('\0', StringComparison.Ordinal) ? text : text.Replace("\0", "", StringComparison.Ordinal);
}
