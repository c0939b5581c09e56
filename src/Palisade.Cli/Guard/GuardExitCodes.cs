namespace Palisade.Cli.Guard;

/// <summary>Exit codes of <c>palisade guard</c> (sysexits.h values where one fits, so systemd and scripts can tell them apart).</summary>
internal static class GuardExitCodes
{
    public const int Synced = 0;
    public const int FirewallFailed = 1;
    public const int Usage = 2;
    public const int ServerUnavailable = 69;
    public const int RateLimited = 75;
    public const int KeyRefused = 77;
}
