using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Palisade.Core.Addresses;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// Runs a sensor: the listeners (global and per-address connection limits, a time limit and a byte budget per
/// connection), the aggregation of events into reports, the on-disk queue and its delivery with back-off, and the
/// heartbeat.
/// </summary>
internal sealed class SensorHost(SensorSettings settings, TextWriter log) : IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private const long MaxEventLogBytes = 64L * 1024 * 1024;

    private readonly SensorAggregator _aggregator = new(settings.Window);
    private readonly SensorTally _tally = new();
    private readonly SensorQueue _queue = new(settings.DataDirectory);
    private readonly SemaphoreSlim _connections = new(settings.MaxConnections, settings.MaxConnections);
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly Lock _eventLogGate = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly SshHostKey _hostKey = SshHostKey.LoadOrCreate(settings.DataDirectory);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var sockets = new List<Socket>();
        try
        {
            foreach (var listen in settings.Listeners)
            {
                var socket = new Socket(listen.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (listen.EndPoint.Address.Equals(IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }

                try
                {
                    socket.Bind(listen.EndPoint);
                    socket.Listen(512);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    await log.WriteLineAsync($"palisade sensor: cannot listen on {listen}: {ex.Message}");
                    return 1;
                }

                sockets.Add(socket);
                await log.WriteLineAsync($"palisade sensor: listening for {listen.Protocol} on {socket.LocalEndPoint}");
            }

            using var uploader = new SensorUploader(settings.Server, settings.Key, log);
            var tasks = new List<Task>();
            for (var i = 0; i < sockets.Count; i++)
            {
                tasks.Add(AcceptLoopAsync(sockets[i], settings.Listeners[i], cancellationToken));
            }

            tasks.Add(FlushLoopAsync(cancellationToken));
            tasks.Add(DeliverLoopAsync(uploader, cancellationToken));
            tasks.Add(HeartbeatLoopAsync(uploader, cancellationToken));
            await log.WriteLineAsync($"palisade sensor: reporting to {settings.Server} as '{settings.Name}'; {_queue.Count} batches queued from before.");
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            // What was seen but not yet queued is queued before exit, so a restart loses nothing.
            Flush(DateTimeOffset.UtcNow);
            await log.WriteLineAsync($"palisade sensor: stopped; {_queue.Count} batches queued.");
            return 0;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptLoopAsync(Socket listener, SensorListen listen, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = Task.Run(() => ServeAsync(client, listen, cancellationToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client, SensorListen listen, CancellationToken cancellationToken)
    {
        using (client)
        {
            if (client.RemoteEndPoint is not IPEndPoint remote)
            {
                return;
            }

            var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
            // Over the limits the connection is closed at once: a flood must not exhaust memory or sockets.
            if (!_connections.Wait(0, CancellationToken.None))
            {
                return;
            }

            try
            {
                if (_perAddress.AddOrUpdate(address, 1, (_, n) => n + 1) > settings.MaxConnectionsPerAddress)
                {
                    return;
                }

                client.NoDelay = true;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(listen.Protocol == "ssh" ? settings.ConnectionTimeout * 2 : settings.ConnectionTimeout);
                await using var stream = new NetworkStream(client, ownsSocket: false);
                var connection = new SensorConnection(stream, address, listen.EndPoint.Port, listen.Protocol, Record, settings.KeepPasswords);
                try
                {
                    await (listen.Protocol switch
                    {
                        "telnet" => TelnetHandler.RunAsync(connection, timeout.Token),
                        "ftp" => FtpHandler.RunAsync(connection, timeout.Token),
                        "smtp" => SmtpHandler.RunAsync(connection, timeout.Token),
                        "http" => HttpHandler.RunAsync(connection, timeout.Token),
                        "ssh" => RunSshAsync(connection, timeout.Token),
                        _ => Task.CompletedTask,
                    });
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or SshProtocolException)
                {
                    // Timeouts, resets and protocol violations end the connection; what was recorded stays recorded.
                }

                if (connection.Events == 0)
                {
                    connection.Record(connection.Received == 0 ? SensorEventKind.Connect : SensorEventKind.Probe);
                }

                try
                {
                    client.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
            }
            finally
            {
                if (_perAddress.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0)
                {
                    _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
                }

                _connections.Release();
            }
        }
    }

    public void Dispose()
    {
        _connections.Dispose();
        _wake.Dispose();
    }

    private async Task RunSshAsync(SensorConnection connection, CancellationToken cancellationToken)
    {
        using var ssh = new SshHandler(connection, _hostKey);
        await ssh.RunAsync(cancellationToken);
    }

    private void Record(SensorEvent sensorEvent)
    {
        _tally.Add(sensorEvent);
        SensorRule rule;
        if (!settings.ReportPrivate && (!IpAddressParser.TryParse(sensorEvent.Address, out var parsed, out _) || !parsed.IsPublic))
        {
            // The server refuses reports of private addresses; a local test connection is logged, not reported.
            rule = SensorRuleTable.Classify(sensorEvent);
        }
        else
        {
            rule = _aggregator.Add(sensorEvent);
        }

        WriteEventLog(sensorEvent, rule);
    }

    private void WriteEventLog(SensorEvent sensorEvent, SensorRule rule)
    {
        var line = JsonSerializer.Serialize(new SensorLogLine(sensorEvent.Timestamp, sensorEvent.Address, sensorEvent.Protocol, sensorEvent.Port,
            sensorEvent.Kind.ToString().ToLowerInvariant(), rule.Name, SensorAggregator.Clean(sensorEvent.Username, 256),
            SensorAggregator.Clean(sensorEvent.Password, 256), sensorEvent.Method, SensorAggregator.Clean(sensorEvent.Path, 512)), SensorJsonContext.Default.SensorLogLine);
        var path = Path.Combine(settings.DataDirectory, "events.jsonl");
        lock (_eventLogGate)
        {
            try
            {
                if (File.Exists(path) && new FileInfo(path).Length > MaxEventLogBytes)
                {
                    File.Move(path, path + ".1", overwrite: true);
                }

                File.AppendAllText(path, line + "\n");
            }
            catch (IOException)
            {
                // The event log is a convenience; a full disk must not stop capture or reporting.
            }
        }
    }

    private void Flush(DateTimeOffset now)
    {
        var reports = _aggregator.TakeReady(now);
        if (reports.Count == 0)
        {
            return;
        }

        try
        {
            if (_queue.Enqueue(reports))
            {
                _wake.Release();
                return;
            }

            log.WriteLine($"palisade sensor: the queue is full ({SensorQueue.MaxBatches} batches); {reports.Count} reports were not queued. Is the server reachable?");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full or read-only disk must not stop capture; the operator sees why reports are missing.
            log.WriteLine($"palisade sensor: cannot write the queue ({ex.Message}); {reports.Count} reports were not queued.");
        }
    }

    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.FlushInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Flush(DateTimeOffset.UtcNow);
        }
    }

    private async Task DeliverLoopAsync(SensorUploader uploader, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = _queue.Oldest();
            if (batch is null)
            {
                await _wake.WaitAsync(settings.FlushInterval, cancellationToken);
                continue;
            }

            var (outcome, retryAfter) = await uploader.SendAsync(batch, cancellationToken);
            switch (outcome)
            {
                case UploadOutcome.Delivered:
                    SensorQueue.Remove(batch);
                    failures = 0;
                    break;
                case UploadOutcome.Refused:
                    _queue.SetAside(batch);
                    break;
                default:
                    failures++;
                    // Exponential back-off from 1 s, capped; the server's Retry-After wins when it asks for longer.
                    var wait = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));
                    if (retryAfter is { } after && after > wait)
                    {
                        wait = after < TimeSpan.FromHours(1) ? after : TimeSpan.FromHours(1);
                    }

                    await Task.Delay(wait, cancellationToken);
                    break;
            }
        }
    }

    private async Task HeartbeatLoopAsync(SensorUploader uploader, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.HeartbeatInterval);
        do
        {
            var today = _tally.Snapshot(DateTimeOffset.UtcNow);
            await uploader.HeartbeatAsync(new SensorHeartbeat(settings.Name, [.. settings.Listeners.Select(l => $"{l.Protocol}:{l.EndPoint.Port}")],
                today.EventsByProtocol, today.TopUsernames, _queue.Count), cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
