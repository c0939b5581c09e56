using System.Text.Json.Serialization;

namespace Palisade.Server.Alerts;

// The alert bodies as AlertJson writes them and AlertRequestParser reads them. The handlers write and read these shapes
// field by field (ids as strings, the target field named after the kind, "null clears" on update), so these records
// exist for the OpenAPI document; OpenApiDocumentTests checks the answers use no field they do not describe.

/// <summary>An alert: what it watches, how it notifies, and what it has matched.</summary>
/// <param name="Id">The alert's id (a JSON string).</param>
/// <param name="Type">The kind: <c>ip</c>, <c>cidr</c>, <c>username</c> or <c>email</c>.</param>
/// <param name="Ip">The watched address (ip alerts).</param>
/// <param name="Cidr">The watched network (range alerts).</param>
/// <param name="Username">The watched username (username alerts).</param>
/// <param name="Email">The watched e-mail address (e-mail alerts).</param>
/// <param name="NetworkAddress">The network's first address (range alerts).</param>
/// <param name="PrefixLength">The network's prefix length (range alerts).</param>
/// <param name="UniqueMatches">Distinct addresses matched (range alerts).</param>
/// <param name="Label">The owner's label.</param>
/// <param name="Enabled">Whether it notifies.</param>
/// <param name="EmailNotifications">Whether it notifies by e-mail.</param>
/// <param name="NotifyEmail">Where e-mail notifications go.</param>
/// <param name="WebhookUrl">Where webhook notifications go.</param>
/// <param name="MinScore">Reports under this score do not notify.</param>
/// <param name="Categories">Only reports of these category ids notify (empty: any).</param>
/// <param name="CooldownSeconds">Least time between two notifications.</param>
/// <param name="LastAlertedAt">When it last notified.</param>
/// <param name="TotalAlerts">Notifications sent.</param>
/// <param name="MatchCount">Reports matched.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="WebhookSecret">The HMAC secret webhook deliveries are signed with; only in the answer that created it.</param>
/// <param name="Deliveries">Recent deliveries (<c>GET …/{id}</c> only).</param>
public sealed record AlertResource(
    string Id, string Type, string? Ip, string? Cidr, string? Username, string? Email, string? NetworkAddress, int? PrefixLength,
    long? UniqueMatches, string? Label, bool Enabled, bool EmailNotifications, string? NotifyEmail, string? WebhookUrl, int MinScore,
    IReadOnlyList<int> Categories, long CooldownSeconds, string? LastAlertedAt, long TotalAlerts, long MatchCount, string CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookSecret,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<AlertDeliveryResource>? Deliveries);

/// <summary>One delivery of an alert's notification.</summary>
/// <param name="Id">The delivery's id (a JSON string).</param>
/// <param name="Channel"><c>email</c> or <c>webhook</c>.</param>
/// <param name="Status"><c>pending</c>, <c>sent</c> or <c>failed</c>.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="CreatedAt">When the match was recorded.</param>
/// <param name="SentAt">When it was delivered.</param>
/// <param name="NextAttemptAt">When it is tried again (pending only).</param>
/// <param name="LastError">Why the last attempt failed.</param>
public sealed record AlertDeliveryResource(string Id, string Channel, string Status, int Attempts, string CreatedAt, string? SentAt,
    string? NextAttemptAt, string? LastError);

/// <summary>The key's alerts.</summary>
/// <param name="Alerts">Every alert of the key (of the path's kind on the per-kind paths).</param>
public sealed record AlertList(IReadOnlyList<AlertResource> Alerts);

/// <summary>The answer to a deletion.</summary>
/// <param name="Success">Always true.</param>
/// <param name="Id">The deleted alert's id.</param>
public sealed record AlertDeleted(bool Success, string Id);

/// <summary>The body of a create (<c>POST</c>) or update (<c>PATCH</c>): exactly one target field when creating, none when
/// updating; on update an absent field is kept and <c>null</c> clears it.</summary>
/// <param name="Ip">Watch this public address.</param>
/// <param name="Cidr">Watch this network (CIDR).</param>
/// <param name="Username">Watch this username.</param>
/// <param name="Email">Watch this e-mail address.</param>
/// <param name="Label">A label of the owner's choice.</param>
/// <param name="Enabled">Whether it notifies (default true).</param>
/// <param name="MinScore">Reports under this score do not notify.</param>
/// <param name="Categories">Only reports of these category ids notify.</param>
/// <param name="NotifyEmail">Notify this address by e-mail (needs <c>Palisade:Smtp:Host</c>).</param>
/// <param name="WebhookUrl">Notify this public https URL (signed with the returned <c>webhookSecret</c>).</param>
/// <param name="CooldownSeconds">Least time between two notifications.</param>
/// <param name="Id">On update, the id on the path may be sent back; it must match.</param>
public sealed record AlertBody(string? Ip, string? Cidr, string? Username, string? Email, string? Label, bool? Enabled, int? MinScore,
    IReadOnlyList<int>? Categories, string? NotifyEmail, string? WebhookUrl, long? CooldownSeconds, string? Id);
