using System.Net;
using Palisade.Core.Quotas;

namespace Palisade.Core.Tests.Quotas;

public sealed class PublicQuotaCounterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static async Task<int> SpendAsync(PublicQuotaCounter counter, IPAddress client, int attempts, long limit = 100)
    {
        var granted = 0;
        for (var i = 0; i < attempts; i++)
        {
            if ((await counter.TryConsumeAsync(client, limit, Now)).Granted > 0)
            {
                granted++;
            }
        }

        return granted;
    }

    [Fact]
    public async Task One_48_gets_ten_quotas_a_day_however_many_64s_it_uses()
    {
        var counter = new PublicQuotaCounter();
        var total = 0;
        for (var subnet = 0; subnet < 30; subnet++)
        {
            total += await SpendAsync(counter, IPAddress.Parse($"2001:db8:aaaa:{subnet:x}::1"), 150);
        }

        Assert.Equal(100 * PublicQuotaCounter.Per48Multiple, total);
        // Another /48 is not affected; a /64 of the spent /48 reads as used up.
        Assert.Equal(100, await SpendAsync(counter, IPAddress.Parse("2001:db8:bbbb::1"), 150));
        Assert.Equal(100, (await counter.PeekAsync(IPAddress.Parse("2001:db8:aaaa:ff::1"), 100, Now)).Used);
    }

    [Fact]
    public async Task A_full_table_drops_sprayed_clients_and_keeps_refusing_spent_ones()
    {
        var counter = new PublicQuotaCounter(maxClients: 200);
        var heavy = IPAddress.Parse("198.51.100.1");
        Assert.Equal(100, await SpendAsync(counter, heavy, 120));
        for (var i = 0; i < 5000; i++)
        {
            await counter.TryConsumeAsync(new IPAddress([203, 0, (byte)(i >> 8), (byte)i]), 100, Now);
        }

        // A new client is served, not locked out until midnight; the one that used up its quota gets no fresh one.
        Assert.Equal(5, await SpendAsync(counter, IPAddress.Parse("192.0.2.77"), 5));
        Assert.Equal(0, await SpendAsync(counter, heavy, 5));
    }
}
