namespace Palisade.Core.Alerts;

/// <summary>
/// A watch owned by one API key. <see cref="Target"/> is canonical (address text, "network/prefix", username as
/// reported, lower-case e-mail). <see cref="WebhookSecret"/> signs webhook bodies; it is shown once, at creation.
/// </summary>
public sealed record Alert(
    long Id,
    long KeyId,
    AlertTargetKind Kind,
    string Target,
    string? Label,
    bool Enabled,
    AlertPreferences Preferences,
    string? WebhookSecret,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAlertedAt,
    long TotalAlerts,
    long MatchCount);
