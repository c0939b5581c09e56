namespace Palisade.Core.Storage;

/// <summary>The store could not be reached or could not commit; answered as 503 by every face.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
