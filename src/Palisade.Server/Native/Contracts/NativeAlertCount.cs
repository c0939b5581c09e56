namespace Palisade.Server.Native.Contracts;

/// <summary>An alert kind's count against its limit.</summary>
/// <param name="Current">Alerts of this kind the key has.</param>
/// <param name="Limit">The most its tier allows.</param>
public sealed record NativeAlertCount(int Current, int Limit);
