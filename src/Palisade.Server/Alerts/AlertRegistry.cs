using Palisade.Core.Alerts;

namespace Palisade.Server.Alerts;

/// <summary>The current matcher (rebuilt from the store when alerts change) and the bell that wakes the delivery service.</summary>
public sealed class AlertRegistry(IAlertStore store) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly SemaphoreSlim _reload = new(1, 1);

    public AlertMatcher Matcher { get; private set; } = AlertMatcher.Empty;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            Matcher = new AlertMatcher(await store.ListEnabledAsync(cancellationToken));
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Tells the delivery service there is work (new matches); several rings before it wakes count as one.</summary>
    public void Ring()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // already ringing
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _wake.Dispose();
        _reload.Dispose();
    }
}
