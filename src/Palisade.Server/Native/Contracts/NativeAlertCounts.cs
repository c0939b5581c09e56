namespace Palisade.Server.Native.Contracts;

public sealed record NativeAlertCounts(NativeAlertCount IpAlerts, NativeAlertCount RangeAlerts, NativeAlertCount UsernameAlerts, NativeAlertCount EmailAlerts);
