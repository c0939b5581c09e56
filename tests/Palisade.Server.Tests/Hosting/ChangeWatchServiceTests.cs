using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Core.Keys;
using Palisade.Core.Whitelisting;
using Palisade.Server.Hosting;
using Palisade.Server.Tests.Infrastructure;
using Palisade.Storage;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Tests.Hosting;

/// <summary>The watch for changes the CLI makes from another process (<see cref="ChangeWatchService"/>): keys and the
/// operator whitelist are reloaded when the change generation moves, including a change made while the node started.</summary>
public sealed class ChangeWatchServiceTests : IDisposable
{
    private readonly string _data = TempDirectory.Create();

    [Fact]
    public async Task A_change_made_after_the_engine_loaded_and_before_the_first_poll_is_reloaded()
    {
        var database = new SqliteDatabase(new SqliteOptions { DataDirectory = _data });
        await database.MigrateAsync(CancellationToken.None);
        var signal = new SqlChangeSignal(database);
        var whitelistStore = new SqlWhitelistStore(database);
        var whitelist = new WhitelistProvider([]);
        var service = new ChangeWatchService(signal, new KeyRing(new SqlKeyStore(database), TierCatalog.Default), whitelistStore, whitelist,
            new PalisadeOptions { ChangePollInterval = TimeSpan.FromHours(1) }, NullLogger<ChangeWatchService>.Instance);

        // The engine loads keys and the whitelist (none yet); then, before the watch first polls, the CLI adds an entry.
        await service.NoteLoadingAsync(CancellationToken.None);
        whitelist.SetOperatorEntries(await whitelistStore.ListAsync(CancellationToken.None));
        await whitelistStore.AddAsync(new WhitelistEntry(IPNetwork.Parse("45.60.0.0/24"), "added by the CLI", 0, "operator"), CancellationToken.None);
        await signal.BumpAsync(CancellationToken.None);

        // Before: the first poll took that generation as already seen, and the entry waited for the next CLI change.
        await service.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (whitelist.Current.Match(IPAddress.Parse("45.60.0.1"), DateTimeOffset.UtcNow) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.NotNull(whitelist.Current.Match(IPAddress.Parse("45.60.0.1"), DateTimeOffset.UtcNow));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => TempDirectory.Delete(_data);
}
