using Dapper;
using Palisade.Core.Storage;

namespace Palisade.Storage.Postgres;

public sealed class PostgresChangeSignal(PostgresDatabase database) : IChangeSignal
{
    public async Task<long> CurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT generation FROM change_signal WHERE id = 1", cancellationToken: cancellationToken));
    }

    public async Task BumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE change_signal SET generation = generation + 1 WHERE id = 1", cancellationToken: cancellationToken));
    }
}
