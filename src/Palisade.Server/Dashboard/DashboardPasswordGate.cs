namespace Palisade.Server.Dashboard;

/// <summary>
/// Runs password hashing (PBKDF2, ~100 ms of CPU each) a few at a time, server-wide: a flood of sign-ins or sign-ups
/// queues here instead of taking every core from the API. A request that waits too long is told to retry.
/// </summary>
public sealed class DashboardPasswordGate(DashboardOptions options) : IDisposable
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _slots = new(options.PasswordHashConcurrency, options.PasswordHashConcurrency);

    /// <summary>The work's result, or <c>(false, default)</c> when no slot freed up in time.</summary>
    public async Task<(bool Ran, T Result)> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(MaxWait, cancellationToken))
        {
            return (false, default!);
        }

        try
        {
            return (true, work());
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
