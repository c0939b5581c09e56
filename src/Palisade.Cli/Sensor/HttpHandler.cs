using System.Globalization;
using System.Text;
using System.Text.Json;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// HTTP: one request per connection. Basic credentials and login-form POSTs (urlencoded or JSON, the usual field
/// names) are recorded as logins; every other request as its request line. The answer is a fixed page (401 with a
/// Basic challenge for <c>/</c> and login paths, 404 otherwise) that never repeats anything the client sent.
/// </summary>
internal static class HttpHandler
{
    public const int MaxHeaders = 64;
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly string[] UserFields = ["username", "user", "login", "log", "email", "uname", "usr", "user_name", "userid", "account", "name"];
    private static readonly string[] PasswordFields = ["password", "pass", "pwd", "passwd", "pw", "secret"];

    public static async Task RunAsync(SensorConnection connection, CancellationToken cancellationToken)
    {
        var requestLine = await connection.ReadLineAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(requestLine))
        {
            return;
        }

        var parts = requestLine.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0].Length > 16 || !parts[0].All(char.IsAsciiLetterUpper))
        {
            // Not HTTP (a TLS hello, a banner grab): a probe.
            connection.Record(SensorEventKind.Probe);
            return;
        }

        var method = parts[0];
        var path = parts[1];
        string? authorization = null;
        string? contentType = null;
        var contentLength = 0L;
        for (var i = 0; i < MaxHeaders; i++)
        {
            var header = await connection.ReadLineAsync(cancellationToken);
            if (header is null || header.Length == 0)
            {
                break;
            }

            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = value;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                _ = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength);
            }
        }

        (string? User, string? Password)? credentials = null;
        if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = SmtpHandler.Base64(authorization[6..]);
            if (decoded is not null)
            {
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                credentials = colon < 0 ? (decoded, null) : (decoded[..colon], decoded[(colon + 1)..]);
            }
        }

        if (credentials is null && method == "POST" && contentLength is > 0 and <= MaxBodyBytes)
        {
            var body = new byte[contentLength];
            if (await connection.ReadExactlyAsync(body, cancellationToken))
            {
                credentials = FormCredentials(Encoding.UTF8.GetString(body), contentType);
            }
        }

        if (credentials is { } login)
        {
            connection.Record(SensorEventKind.Login, login.User, login.Password, method, path);
        }
        else
        {
            connection.Record(SensorEventKind.HttpRequest, method: method, path: path);
        }

        var challenge = path == "/" || path.Contains("login", StringComparison.OrdinalIgnoreCase) || authorization is not null;
        var page = challenge ? "<html><body><h1>401 Unauthorized</h1></body></html>\n" : "<html><body><h1>404 Not Found</h1></body></html>\n";
        var response = new StringBuilder()
            .Append(challenge ? "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Login\"\r\n" : "HTTP/1.1 404 Not Found\r\n")
            .Append("Server: nginx\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: ")
            .Append(Encoding.ASCII.GetByteCount(page).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        if (method != "HEAD")
        {
            response.Append(page);
        }

        await connection.WriteAsync(response.ToString(), cancellationToken);
    }

    /// <summary>A username/password pair from a urlencoded or JSON login form, or null.</summary>
    internal static (string? User, string? Password)? FormCredentials(string body, string? contentType)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in json.RootElement.EnumerateObject().Take(64))
                    {
                        if (property.Value.ValueKind == JsonValueKind.String)
                        {
                            fields.TryAdd(property.Name, property.Value.GetString()!);
                        }
                    }
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else
        {
            foreach (var pair in body.Split('&', 64))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    fields.TryAdd(Decode(pair[..equals]), Decode(pair[(equals + 1)..]));
                }
            }
        }

        var user = UserFields.Select(f => fields.GetValueOrDefault(f)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var password = PasswordFields.Select(f => fields.GetValueOrDefault(f)).FirstOrDefault(v => v is not null);
        return user is null && password is null ? null : (user, password);
    }

    private static string Decode(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return text;
        }
    }
}
