using System.Globalization;
using Palisade.Core.Reports;
using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>
/// Cross-node notifications over Redis pub/sub: "&lt;node&gt; &lt;id&gt;,&lt;id&gt;,…" on channel <c>&lt;prefix&gt;reports</c>.
/// A node ignores its own messages.
/// </summary>
public sealed class RedisReportFeed(RedisConnection redis) : IReportFeed
{
    public string NodeId { get; } = Guid.NewGuid().ToString("N")[..12];

    public async Task PublishAsync(IReadOnlyList<long> reportIds, CancellationToken cancellationToken)
    {
        if (reportIds.Count == 0)
        {
            return;
        }

        var subscriber = await redis.SubscriberAsync();
        await subscriber.PublishAsync(redis.Channel("reports"), NodeId + " " + string.Join(',', reportIds));
    }

    public async Task PublishReloadAsync(string address, CancellationToken cancellationToken)
    {
        var subscriber = await redis.SubscriberAsync();
        await subscriber.PublishAsync(redis.Channel("reports"), NodeId + " @" + address);
    }

    /// <summary>Calls <paramref name="onReports"/> with the ids other nodes stored, <paramref name="onReload"/> with
    /// addresses they changed otherwise.</summary>
    public async Task SubscribeAsync(Func<IReadOnlyList<long>, Task> onReports, Func<string, Task> onReload)
    {
        var subscriber = await redis.SubscriberAsync();
        var queue = await subscriber.SubscribeAsync(redis.Channel("reports"));
        queue.OnMessage(async message =>
        {
            var text = (string?)message.Message;
            var space = text?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
            if (text is null || space < 0 || text.AsSpan(0, space).SequenceEqual(NodeId))
            {
                return;
            }

            if (text.Length > space + 1 && text[space + 1] == '@')
            {
                await onReload(text[(space + 2)..]);
                return;
            }

            var ids = text[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToList();
            await onReports(ids);
        });
    }
}
