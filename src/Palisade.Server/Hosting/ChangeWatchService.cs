using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Keys;
using Palisade.Core.Storage;
using Palisade.Core.Whitelisting;

namespace Palisade.Server.Hosting;

/// <summary>Reloads keys and the operator whitelist when the CLI (another process) changed them.</summary>
internal sealed class ChangeWatchService(IChangeSignal signal, KeyRing keys, IWhitelistStore whitelistStore, WhitelistProvider whitelist,
    PalisadeOptions options, ILogger<ChangeWatchService> logger) : BackgroundService
{
    private long? _loadedAt;

    /// <summary>Reads the change generation just before the engine loads keys and the whitelist: a change made after it
    /// (while the node starts, before this watch first polls) is reloaded by the first poll, not taken as seen.</summary>
    public async Task NoteLoadingAsync(CancellationToken cancellationToken) => _loadedAt = await signal.CurrentAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seen = _loadedAt;
        using var timer = new PeriodicTimer(options.ChangePollInterval);
        try
        {
            do
            {
                try
                {
                    var current = await signal.CurrentAsync(stoppingToken);
                    if (seen is not null && current != seen)
                    {
                        await keys.ReloadAsync(stoppingToken);
                        whitelist.SetOperatorEntries(await whitelistStore.ListAsync(stoppingToken));
                        logger.LogInformation("Keys and whitelist reloaded (change {Generation})", current);
                    }

                    seen = current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not check for key and whitelist changes");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
