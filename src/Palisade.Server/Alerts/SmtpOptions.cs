namespace Palisade.Server.Alerts;

/// <summary>The SMTP server alert e-mails go through (configuration section "Palisade:Smtp"); no host, no e-mail alerts.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>"StartTls" (default), "SslOnConnect" or "None".</summary>
    public string Security { get; set; } = "StartTls";

    public string? User { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "palisade@localhost";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
