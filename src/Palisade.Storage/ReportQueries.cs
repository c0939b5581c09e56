using System.Data.Common;
using Dapper;
using Palisade.Core.Storage;

namespace Palisade.Storage;

/// <summary>Report queries whose SQL is the same on SQLite and PostgreSQL (times are Unix milliseconds in both).</summary>
public static class ReportQueries
{
    /// <summary>Addresses with reports withdrawn at or after <paramref name="since"/>, from the audit trail.</summary>
    public static async Task<IReadOnlyList<string>> ClearedAddressesAsync(DbConnection connection, DateTimeOffset since, CancellationToken cancellationToken)
        => [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT address FROM address_audit WHERE created_at >= @since", new { since = since.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken))];

    /// <summary>One below the lowest id of the reports received at or after <paramref name="since"/>; the highest id when
    /// none was; 0 when there is no report.</summary>
    public static Task<long> IdBeforeReceivedAsync(DbConnection connection, DateTimeOffset since, CancellationToken cancellationToken)
        => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT coalesce((SELECT min(id) FROM reports WHERE received_at >= @since) - 1, (SELECT max(id) FROM reports), 0)",
            new { since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    /// <summary>Reports of <paramref name="address"/> reported at or after <paramref name="since"/>.</summary>
    public static Task<int> CountByAddressAsync(DbConnection connection, string address, DateTimeOffset since, CancellationToken cancellationToken)
        => connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM reports WHERE address = @address AND reported_at >= @since",
            new { address, since = since.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));

    /// <summary>Whether key <paramref name="keyId"/> has a report of <paramref name="address"/>.</summary>
    public static Task<bool> HasReportByKeyAsync(DbConnection connection, string address, long keyId, CancellationToken cancellationToken)
        => connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM reports WHERE address = @address AND key_id = @key)", new { address, key = keyId },
            cancellationToken: cancellationToken));

    /// <summary>Reports reported at or after <paramref name="since"/> with an id up to <paramref name="throughId"/>.</summary>
    public static Task<long> CountRetainedAsync(DbConnection connection, DateTimeOffset since, long throughId, CancellationToken cancellationToken)
        => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM reports WHERE reported_at >= @since AND id <= @through", new { since = since.ToUnixTimeMilliseconds(), through = throughId },
            cancellationToken: cancellationToken));
}
