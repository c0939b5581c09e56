using System.Data.Common;
using System.Runtime.CompilerServices;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;

namespace Palisade.Storage;

/// <summary>The reports table's columns, in the order every engine selects them, and how a row becomes a report.</summary>
public static class ReportRows
{
    public const string Columns = "id, address, key_id, kind, trust, categories, protocol, port, username, comment, reported_at, received_at, source, dialect, dialect_categories, email";

    /// <summary><see cref="Columns"/> without what the in-memory index never holds (comment, dialect): start-up loads
    /// millions of rows, and these strings were read only to be dropped.</summary>
    public const string IndexColumns = "id, address, key_id, kind, trust, categories, protocol, port, username, NULL, reported_at, received_at, source, NULL, NULL, email";

    public static StoredReport Read(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetInt64(2),
        (ReporterKind)reader.GetInt32(3),
        reader.GetDouble(4),
        IdListCodec.Decode(reader.GetString(5)),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
        (ReportSource)reader.GetInt32(12),
        reader.IsDBNull(13) ? null : reader.GetString(13),
        reader.IsDBNull(14) ? null : IdListCodec.Decode(reader.GetString(14)),
        reader.IsDBNull(15) ? null : reader.GetString(15));

    /// <summary>Runs a query selecting <see cref="Columns"/> and returns every report.</summary>
    public static async Task<IReadOnlyList<StoredReport>> ReadAllAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var reports = new List<StoredReport>();
        await foreach (var report in StreamAsync(query, cancellationToken))
        {
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>Runs a query selecting a report's id and address, in that order.</summary>
    public static async Task<IReadOnlyList<ReportLocator>> ReadLocatorsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var locators = new List<ReportLocator>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            locators.Add(new ReportLocator(reader.GetInt64(0), reader.GetString(1)));
        }

        return locators;
    }

    /// <summary>Runs a query selecting <see cref="Columns"/> and yields its reports one by one (for start-up loading).</summary>
    public static async IAsyncEnumerable<StoredReport> StreamAsync(DbCommand query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }
}
