using System.Diagnostics;
using Palisade.Core.Geo;

namespace Palisade.Cli.Commands;

/// <summary>
/// <c>palisade geo install</c>'s download: fetches the pinned ip-location-db packages with <c>npm pack</c> into a scratch
/// folder and hands them to <see cref="GeoDataInstaller.InstallPackagesAsync"/>, which checks their SHA-256 and installs
/// them (process spawning lives here, in the CLI, not in Core).
/// </summary>
public static class GeoPackageFetcher
{
    /// <summary>Fetches and installs the country MMDB and the ASN CSVs into <paramref name="folder"/>.</summary>
    /// <param name="folder">The geo data folder.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="npm">The npm command.</param>
    /// <param name="cancellationToken">Stops the download.</param>
    public static async Task<IReadOnlyList<GeoManifestEntry>> InstallAsync(string folder, Action<string>? log = null, string npm = "npm",
        CancellationToken cancellationToken = default)
    {
        var scratch = Directory.CreateTempSubdirectory("palisade-geo-").FullName;
        try
        {
            var country = $"{GeoDataInstaller.CountryPackage}@{GeoDataInstaller.PackageVersion}";
            var asn = $"{GeoDataInstaller.AsnPackage}@{GeoDataInstaller.PackageVersion}";
            log?.Invoke($"Fetching {country} and {asn} with npm pack …");
            await RunAsync(npm, scratch, cancellationToken, "pack", "--silent", country, asn);
            return await GeoDataInstaller.InstallPackagesAsync(scratch, folder, log, cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task RunAsync(string command, string workingDirectory, CancellationToken cancellationToken, params string[] arguments)
    {
        var info = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{command}' is needed to fetch the geo data (install Node.js/npm) or use 'palisade geo import': {ex.Message}", ex);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await stderr).Trim()}");
            }
        }
    }
}
