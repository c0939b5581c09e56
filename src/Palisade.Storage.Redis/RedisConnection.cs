using StackExchange.Redis;

namespace Palisade.Storage.Redis;

/// <summary>One multiplexed connection per process. Connects lazily and keeps retrying in the background, so a node
/// starts (and serves what it can) while Redis is down.</summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;

    public RedisConnection(RedisOptions options)
    {
        Options = options;
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        // Timeouts written in the configuration string are the operator's choice and win over the short default.
        var written = options.Configuration.ToLowerInvariant();
        if (!written.Contains("connecttimeout=", StringComparison.Ordinal))
        {
            configuration.ConnectTimeout = options.TimeoutMilliseconds;
        }

        if (!written.Contains("synctimeout=", StringComparison.Ordinal))
        {
            configuration.SyncTimeout = options.TimeoutMilliseconds;
        }

        if (!written.Contains("asynctimeout=", StringComparison.Ordinal))
        {
            configuration.AsyncTimeout = options.TimeoutMilliseconds;
        }
        configuration.ConnectRetry = 1;
        _multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(configuration));
    }

    public RedisOptions Options { get; }

    public async Task<IDatabase> DatabaseAsync() => (await _multiplexer.Value).GetDatabase();

    public async Task<ISubscriber> SubscriberAsync() => (await _multiplexer.Value).GetSubscriber();

    public RedisKey Key(string name) => Options.KeyPrefix + name;

    public RedisChannel Channel(string name) => RedisChannel.Literal(Options.KeyPrefix + name);

    public static bool IsUnavailable(Exception ex) => ex is RedisConnectionException or RedisTimeoutException or TimeoutException
        || (ex is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await (await _multiplexer.Value).DisposeAsync();
        }
    }
}
