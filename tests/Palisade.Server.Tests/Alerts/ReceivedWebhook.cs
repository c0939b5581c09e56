namespace Palisade.Server.Tests.Alerts;

internal sealed record ReceivedWebhook(string Body, string? Signature, DateTimeOffset ReceivedAt);
