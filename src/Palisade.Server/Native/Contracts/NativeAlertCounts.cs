namespace Palisade.Server.Native.Contracts;

/// <summary>The key's alerts per kind (<c>/v1/key/status</c>).</summary>
/// <param name="IpAlerts">Alerts on one address.</param>
/// <param name="RangeAlerts">Alerts on a network.</param>
/// <param name="UsernameAlerts">Alerts on a username.</param>
/// <param name="EmailAlerts">Alerts on an e-mail address.</param>
public sealed record NativeAlertCounts(NativeAlertCount IpAlerts, NativeAlertCount RangeAlerts, NativeAlertCount UsernameAlerts, NativeAlertCount EmailAlerts);
