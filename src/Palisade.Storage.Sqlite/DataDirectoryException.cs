namespace Palisade.Storage.Sqlite;

/// <summary>The data folder cannot be used as it is (another server holds it, or palisade.db is not a database); the
/// message says what to do. The server refuses to start rather than serve from an empty or shared store.</summary>
public sealed class DataDirectoryException : Exception
{
    public DataDirectoryException()
    {
    }

    public DataDirectoryException(string message) : base(message)
    {
    }

    public DataDirectoryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
