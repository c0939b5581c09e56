namespace Palisade.Core.Quotas;

/// <summary>The shared quota counters cannot be reached. Requests that need a quota are refused (503), never admitted
/// unmetered.</summary>
public sealed class QuotaUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
