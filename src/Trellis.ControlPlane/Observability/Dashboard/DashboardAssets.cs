using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Trellis.ControlPlane.Observability.Dashboard;

/// <summary>The dashboard's page, script and style, compiled into the control plane so it works offline and
/// needs nothing fetched at run time.</summary>
internal static class DashboardAssets
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Load();

    public static IResult Serve(string file) => Files.TryGetValue(file, out var asset)
        ? Results.Bytes(asset.Body, asset.ContentType)
        : Results.NotFound();

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in new[] { "index.html", "app.js", "app.css" })
        {
            using var stream = assembly.GetManifestResourceStream("Trellis.Dashboard." + name)
                ?? throw new InvalidOperationException($"the dashboard asset {name} is missing from the build");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (copy.ToArray(), ContentTypeOf(name));
        }
        return files;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        _ => "text/css; charset=utf-8",
    };
}
