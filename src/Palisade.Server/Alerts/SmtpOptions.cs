using System.ComponentModel.DataAnnotations;

namespace Palisade.Server.Alerts;

/// <summary>The SMTP server alert e-mails go through (configuration section "Palisade:Smtp"); no host, no e-mail alerts.</summary>
public sealed class SmtpOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Smtp";

    /// <summary>The SMTP server; unset, alerts cannot notify by e-mail.</summary>
    public string? Host { get; set; }

    /// <summary>Its port.</summary>
    [Range(1, 65535, ErrorMessage = "Palisade:Smtp:Port must be 1 to 65535.")]
    public int Port { get; set; } = 587;

    /// <summary>"StartTls" (default), "SslOnConnect" or "None".</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>The account to authenticate as (none: no authentication).</summary>
    public string? User { get; set; }

    /// <summary>Its password.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address of alert e-mails.</summary>
    public string From { get; set; } = "palisade@localhost";

    /// <summary>How long one delivery may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether a server is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
