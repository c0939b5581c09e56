using System.Diagnostics.CodeAnalysis;
using System.Net;
using Palisade.Core.Addresses;

namespace Palisade.Server.Alerts;

/// <summary>
/// Which webhook URLs are acceptable: absolute http(s), no credentials in the URL, and — unless the operator allows it —
/// no private, loopback or otherwise non-public destination, checked on the URL and again on every address connected to.
/// </summary>
public sealed class WebhookTargetPolicy(AlertOptions options)
{
    public const int MaxUrlLength = 2048;

    public bool AllowsPrivate => options.AllowPrivateWebhooks;

    public bool TryValidate(string input, [NotNullWhen(true)] out string? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        if (input.Length is 0 or > MaxUrlLength || !Uri.TryCreate(input, UriKind.Absolute, out var uri))
        {
            error = $"webhookUrl must be an absolute http or https URL of at most {MaxUrlLength} characters.";
            return false;
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            error = "webhookUrl must use http or https.";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            error = "webhookUrl must not carry credentials or a fragment; verify deliveries with the X-Palisade-Signature header instead.";
            return false;
        }

        if (!options.AllowPrivateWebhooks && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var literal) && !IsAllowed(literal))
            || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)))
        {
            error = "webhookUrl points to a private, loopback or reserved address; this server only delivers webhooks to public addresses.";
            return false;
        }

        url = uri.AbsoluteUri;
        error = null;
        return true;
    }

    /// <summary>True when a connection to this address is allowed.</summary>
    public bool IsAllowed(IPAddress address) => options.AllowPrivateWebhooks || IpAddressParser.Classify(address) == AddressKind.Public;
}
