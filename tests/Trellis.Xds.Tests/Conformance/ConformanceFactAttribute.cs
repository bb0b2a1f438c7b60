namespace Trellis.Xds.Tests.Conformance;

/// <summary>A fact that needs tests/xds-conformance's npm packages. Without them it is skipped with
/// the install command, except under CI (CI set), where the missing packages must fail the run.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceFolder.NodeModulesPresent || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) return;
        Skip = $"npm packages missing in {ConformanceFolder.Path}: run `npm ci --prefix tests/xds-conformance` (under CI this test fails instead)";
    }
}

/// <summary>Where the Node conformance client lives in the checkout.</summary>
internal static class ConformanceFolder
{
    public static string Path { get; } = Find();

    public static bool NodeModulesPresent =>
        Directory.Exists(System.IO.Path.Combine(Path, "node_modules", "@grpc", "grpc-js-xds"));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "xds-conformance");
            if (File.Exists(System.IO.Path.Combine(candidate, "client.js"))) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/xds-conformance/client.js not found above {AppContext.BaseDirectory}");
    }
}
