namespace Palisade.Core.Reputation;

/// <summary>An e-mail address named in retained reports (an SMTP recipient a honeypot saw): how many reports, when.</summary>
public sealed record EmailActivity(string Email, long TotalMessages, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
