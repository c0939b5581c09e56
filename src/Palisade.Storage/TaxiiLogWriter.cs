namespace Palisade.Storage;

/// <summary>One row of taxii_log as <see cref="SqlTaxiiLog"/> appends it (columns in <see cref="TaxiiLogSql.Insert"/>'s order).</summary>
public readonly record struct TaxiiLogRow(long DateAdded, byte[] ObjectUuid, int Flags, long Modified, long? Created, long? ValidFrom,
    long? ValidUntil, int? Confidence, int? Generation, string? Address, long? LabelsId, long? TechniquesId, string? ObjectType, string? Body);

/// <summary>
/// One append to the TAXII version log: a transaction begun on its own connection, the statements of
/// <see cref="TaxiiLogSql"/> (or what has their effect in order: PostgreSQL's writer sends them set at a time), then a
/// commit; disposing it without a commit rolls back and closes the connection.
/// </summary>
public interface ITaxiiLogWriter : IAsyncDisposable
{
    /// <summary>The id of a label or technique list in taxii_texts, inserted if it is new.</summary>
    ValueTask<long> TextIdAsync(string text, CancellationToken cancellationToken);

    /// <summary>Clears the last-version flag of an object's current last version.</summary>
    ValueTask UnmarkLastAsync(byte[] objectUuid, CancellationToken cancellationToken);

    ValueTask InsertAsync(TaxiiLogRow row, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The statements of an append, the same on every engine. Parameters are named and each appears once, in the order of
/// <see cref="TaxiiLogRow"/>'s fields: SQLite numbers them 1, 2, … in that order, so they bind by position too.
/// </summary>
public static class TaxiiLogSql
{
    /// <summary>The last-version bit of column flags (see <see cref="SqlTaxiiLog"/>), 8 in the statements below.</summary>
    public const int LastVersionFlag = 8;

    public const string UnmarkLast = "UPDATE taxii_log SET flags = flags & ~8 WHERE object_uuid = @ObjectUuid AND (flags & 8) <> 0";

    /// <summary>The columns an append writes, in <see cref="TaxiiLogRow"/>'s order (PostgreSQL copies rows in this order).</summary>
    public const string Columns =
        "date_added, object_uuid, flags, modified, created, valid_from, valid_until, confidence, generation, address, labels, techniques, object_type, body";

    public const string Insert =
        "INSERT INTO taxii_log (" + Columns + ") VALUES (@DateAdded, @ObjectUuid, @Flags, @Modified, @Created, @ValidFrom, @ValidUntil, " +
        "@Confidence, @Generation, @Address, @LabelsId, @TechniquesId, @ObjectType, @Body)";

    public const string InsertText = "INSERT INTO taxii_texts (text) VALUES (@text) ON CONFLICT (text) DO NOTHING";

    public const string SelectTextId = "SELECT id FROM taxii_texts WHERE text = @text";
}
