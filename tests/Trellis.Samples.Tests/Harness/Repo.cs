namespace Trellis.Samples.Tests.Harness;

/// <summary>Finds the repository (the sample's scripts and manifests) above the test's output folder.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Bookinfo(params string[] parts) => Path.Combine([Root, "samples", "bookinfo", .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trellis.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Trellis.sln not found above " + AppContext.BaseDirectory);
    }
}
