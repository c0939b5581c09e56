using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Palisade.Core.Alerts;
using Palisade.Core.Time;

namespace Palisade.Server.Alerts;

/// <summary>
/// Delivers a digest as a JSON POST signed with HMAC-SHA256 over "timestamp.body" with the alert's secret
/// (<c>X-Palisade-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;</c>). Redirects are not followed (a 3xx is a failure), each attempt
/// has a timeout, and connections go only to addresses the <see cref="WebhookTargetPolicy"/> allows.
/// </summary>
internal sealed class WebhookAlertDispatcher : IAlertDispatcher, IDisposable
{
    public const string SignatureHeader = "X-Palisade-Signature";

    private readonly HttpClient _http;
    private readonly IClock _clock;

    public WebhookAlertDispatcher(AlertOptions options, WebhookTargetPolicy policy, IClock clock)
    {
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.WebhookTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
                // Every resolved address is checked, at delivery time (DNS may have changed since the alert was saved):
                // one private answer among public ones refuses the delivery rather than trusting the connect order.
                var allowed = addresses.Where(policy.IsAllowed).ToArray();
                if (allowed.Length == 0 || allowed.Length != addresses.Length)
                {
                    throw new HttpRequestException($"{host} resolves to a private, loopback or reserved address, which this server does not deliver to.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { Timeout = options.WebhookTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Palisade-Alerts/1");
    }

    public AlertChannel Channel => AlertChannel.Webhook;

    public async Task DeliverAsync(Alert alert, AlertDelivery delivery, CancellationToken cancellationToken)
    {
        if (alert.WebhookSecret is null)
        {
            throw new AlertDeliveryException("The alert has no webhook secret.");
        }

        var timestamp = _clock.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Destination)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SignatureHeader, $"t={timestamp},v1={Sign(alert.WebhookSecret, timestamp, delivery.Payload)}");
        request.Headers.Add("X-Palisade-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new AlertDeliveryException($"The webhook answered HTTP {(int)response.StatusCode}.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new AlertDeliveryException("The webhook could not be reached: " + ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AlertDeliveryException("The webhook did not answer in time.", ex);
        }
    }

    /// <summary>Lower-case hex HMAC-SHA256 of "timestamp.body" keyed with the UTF-8 secret.</summary>
    public static string Sign(string secret, long timestamp, string body)
        => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + body)));

    public void Dispose() => _http.Dispose();
}
