namespace Palisade.Server.Native.Contracts;

/// <summary>The key's tier.</summary>
/// <param name="Id">Its id (<c>free</c>, <c>enterprise</c>, …).</param>
/// <param name="Name">Its display name.</param>
public sealed record NativeTierInfo(string Id, string Name);
