namespace Palisade.Cli.Guard;

/// <summary>
/// The guard's loop. Each round: pull (incremental from the saved cursor when the sets are there, the whole list
/// otherwise), apply to the firewall, and only then keep the new cursor. The allowlist is read every round and always
/// wins. A server that cannot be reached leaves the sets as they are until the next round (fail static); a refused key
/// ends the guard; 429 waits for Retry-After.
/// </summary>
internal sealed class GuardRunner(GuardSettings settings, IGuardFirewall firewall, GuardBlocklistClient client, TextWriter output, TextWriter log)
{
    /// <summary>With --once, a 429 whose Retry-After is at most this long is waited out and tried again once.</summary>
    private static readonly TimeSpan OnceRetryLimit = TimeSpan.FromSeconds(60);

    private GuardState? _state;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (settings.StatePath is { } path)
        {
            _state = await GuardStateFile.LoadAsync(path, Log, cancellationToken);
            if (_state is not null && _state.Fingerprint != settings.Fingerprint)
            {
                Log("server, filters or sets differ from the saved state: doing a full sync.");
                _state = null;
            }
        }

        var retriedRateLimit = false;
        while (true)
        {
            int code;
            TimeSpan? wait = null;
            try
            {
                await SyncAsync(cancellationToken);
                code = GuardExitCodes.Synced;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Log("stopping; the sets stay as they are.");
                return GuardExitCodes.Synced;
            }
            catch (GuardServerException ex) when (ex.Failure == GuardServerFailure.KeyRefused)
            {
                Log(ex.Message + ". Stopping.");
                return GuardExitCodes.KeyRefused;
            }
            catch (GuardServerException ex) when (ex.Failure == GuardServerFailure.Misconfigured)
            {
                Log(ex.Message + ". Stopping.");
                return GuardExitCodes.Usage;
            }
            catch (GuardServerException ex) when (ex.Failure == GuardServerFailure.RateLimited)
            {
                wait = ex.RetryAfter is { } after && after > TimeSpan.Zero ? after : settings.Interval;
                Log($"{ex.Message}; the sets are unchanged, trying again in {Describe(wait.Value)}.");
                code = GuardExitCodes.RateLimited;
            }
            catch (GuardServerException ex)
            {
                Log($"{ex.Message}; the sets are unchanged{(settings.Once ? "" : $", trying again in {Describe(settings.Interval)}")}.");
                code = GuardExitCodes.ServerUnavailable;
            }
            catch (FirewallException ex)
            {
                Log($"{ex.Message}; the cursor was not advanced{(settings.Once ? "" : $", trying again in {Describe(settings.Interval)}")}.");
                code = GuardExitCodes.FirewallFailed;
            }
            catch (GuardConfigurationException ex)
            {
                Log($"{ex.Message}; the sets are unchanged{(settings.Once ? "" : $", trying again in {Describe(settings.Interval)}")}.");
                code = GuardExitCodes.Usage;
            }

            if (settings.Once)
            {
                if (code == GuardExitCodes.RateLimited && !retriedRateLimit && wait <= OnceRetryLimit)
                {
                    retriedRateLimit = true;
                    if (!await DelayAsync(wait.Value, cancellationToken))
                    {
                        return GuardExitCodes.RateLimited;
                    }

                    continue;
                }

                return code;
            }

            if (!await DelayAsync(wait ?? settings.Interval, cancellationToken))
            {
                Log("stopping; the sets stay as they are.");
                return GuardExitCodes.Synced;
            }
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var allowlist = LoadAllowlist();
        if (_state is { Cursor.Length: > 0 } state)
        {
            if (!await firewall.SetsExistAsync(cancellationToken))
            {
                Log($"{firewall.Describe} missing (reboot, or removed by hand): doing a full sync.");
            }
            else
            {
                var changes = await client.PullAsync(state.Cursor, cancellationToken);
                if (changes.Replace)
                {
                    Log("the server could not answer from the saved cursor (restarted, or the cursor is too old): replacing the sets.");
                    await ReplaceAsync(changes, allowlist);
                    return;
                }

                try
                {
                    await ApplyAsync(state, changes, allowlist);
                    return;
                }
                catch (FirewallException ex)
                {
                    // The sets no longer hold what the state says (changed by hand or by another tool): start over from the whole list.
                    Log($"{ex.Message}; doing a full sync instead.");
                }
            }
        }

        await ReplaceAsync(await client.PullAsync(null, cancellationToken), allowlist);
    }

    private async Task ReplaceAsync(GuardPull pull, GuardAllowlist allowlist)
    {
        if (pull.Truncated && _state is { Cursor.Length: > 0 })
        {
            throw new GuardServerException(GuardServerFailure.RateLimited,
                $"the key's daily blacklist quota cut the list to {pull.Added.Count} of {pull.Total} addresses, so it does not replace the current sets");
        }

        var addresses = new HashSet<string>(StringComparer.Ordinal);
        var allowed = 0;
        foreach (var address in pull.Added)
        {
            if (allowlist.Contains(address))
            {
                allowed++;
            }
            else
            {
                addresses.Add(address);
            }
        }

        await firewall.ReplaceAsync(addresses, CancellationToken.None);
        // A cut list is stored without a cursor: the next round pulls the whole list again.
        await KeepAsync(pull.Truncated ? "" : pull.Cursor!, addresses);
        var v6 = addresses.Count(a => a.Contains(':', StringComparison.Ordinal));
        output.WriteLine($"palisade guard: full sync of {firewall.Describe}: {addresses.Count} addresses ({addresses.Count - v6} IPv4, {v6} IPv6), " +
                         $"{allowed} allowlisted left out{Rejected(pull)}.");
        if (pull.Truncated)
        {
            Log($"the key's daily blacklist quota cut the list to {pull.Added.Count} of {pull.Total} addresses; the whole list is pulled again next time.");
        }

        await output.FlushAsync(CancellationToken.None);
    }

    private async Task ApplyAsync(GuardState state, GuardPull pull, GuardAllowlist allowlist)
    {
        var known = new HashSet<string>(state.Addresses, StringComparer.Ordinal);
        var remove = new HashSet<string>(StringComparer.Ordinal);
        foreach (var address in pull.Removed)
        {
            if (known.Contains(address))
            {
                remove.Add(address);
            }
        }

        // An address that was added before the allowlist named it comes out now.
        foreach (var address in known)
        {
            if (allowlist.Contains(address))
            {
                remove.Add(address);
            }
        }

        var add = new HashSet<string>(StringComparer.Ordinal);
        var allowed = 0;
        foreach (var address in pull.Added)
        {
            if (allowlist.Contains(address))
            {
                allowed++;
            }
            else if (!known.Contains(address) || remove.Contains(address))
            {
                add.Add(address);
            }
        }

        // Removed then added again within one pull: the add wins (it is the newer state).
        remove.ExceptWith(add);
        await firewall.ApplyAsync(add, remove, CancellationToken.None);
        known.ExceptWith(remove);
        known.UnionWith(add);
        await KeepAsync(pull.Cursor!, known);
        output.WriteLine($"palisade guard: incremental sync of {firewall.Describe}: +{add.Count} -{remove.Count}, {known.Count} addresses, " +
                         $"{allowed} allowlisted left out{Rejected(pull)}.");
        await output.FlushAsync(CancellationToken.None);
    }

    /// <summary>Called only after the firewall accepted the change: the cursor never runs ahead of the sets.</summary>
    private async Task KeepAsync(string cursor, HashSet<string> addresses)
    {
        _state = new GuardState(settings.Fingerprint, cursor, [.. addresses.Order(StringComparer.Ordinal)], DateTimeOffset.UtcNow);
        if (settings.StatePath is { } path)
        {
            try
            {
                await GuardStateFile.SaveAsync(path, _state, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log($"state {path} could not be written ({ex.Message}); the next run starts with a full sync.");
            }
        }
    }

    private GuardAllowlist LoadAllowlist()
    {
        if (settings.AllowFile is null)
        {
            return GuardAllowlist.Empty;
        }

        return GuardAllowlist.TryLoad(settings.AllowFile, out var allowlist, out var error)
            ? allowlist
            : throw new GuardConfigurationException(error!);
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Rejected(GuardPull pull) => pull.Rejected > 0 ? $", {pull.Rejected} entries that are not single addresses ignored" : "";

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0} s" : span.TotalMinutes < 120 ? $"{span.TotalMinutes:0} min" : $"{span.TotalHours:0.#} h";

    private void Log(string message)
    {
        log.WriteLine("palisade guard: " + message);
        log.Flush();
    }
}
