using Dapper;
using Palisade.Core.Storage;

namespace Palisade.Storage;

/// <summary>The change counter in table change_signal; the same SQL runs on SQLite and PostgreSQL.</summary>
public sealed class SqlChangeSignal(IConnectionFactory database) : IChangeSignal
{
    public async Task<long> CurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT generation FROM change_signal WHERE id = 1", cancellationToken: cancellationToken));
    }

    public async Task BumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE change_signal SET generation = generation + 1 WHERE id = 1", cancellationToken: cancellationToken));
    }
}
