namespace Palisade.Core.Alerts;

/// <summary>What an alert watches: one address, a network, a username seen in brute-force reports, or an e-mail address in report comments.</summary>
public enum AlertTargetKind
{
    Ip = 1,
    Range = 2,
    Username = 3,
    Email = 4,
}
