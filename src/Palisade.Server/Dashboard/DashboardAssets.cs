using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Dashboard;

/// <summary>The dashboard's stylesheet and script, embedded in this assembly and served from /dashboard/assets/ (no CDN).</summary>
public static class DashboardAssets
{
    private sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The URL of an asset, with a version so a new build is never served from a stale cache.</summary>
    public static string Path(string name) => "/dashboard/assets/" + name + "?v=" + Assets[name].ETag.Trim('"');

    public static IResult Serve(string name, HttpContext http)
    {
        if (!Assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        http.Response.Headers.ETag = asset.ETag;
        http.Response.Headers.CacheControl = "public, max-age=86400";
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var (name, type) in new[] { ("dashboard.css", "text/css; charset=utf-8"), ("dashboard.js", "text/javascript; charset=utf-8") })
        {
            using var stream = assembly.GetManifestResourceStream("Palisade.Server.Dashboard.Assets." + name)
                ?? throw new InvalidOperationException($"Embedded dashboard asset {name} is missing from {assembly.GetName().Name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            assets[name] = new Asset(content, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
