namespace Palisade.Server.Tests.Infrastructure;

internal static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "palisade-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes the folder and, on the PostgreSQL run, the database that stands for it: the suite creates hundreds of
    /// them (about 8 MB each), and a CI machine's disk fills up if they stay until the run ends.</summary>
    public static void Delete(string path)
    {
        TestBackend.DropDatabase(path);
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
