namespace Trellis.EndToEnd.Harness;

/// <summary>Locates the repository (samples, the built trellis CLI) from the test's output folder.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>trellis.dll is copied next to the tests because the test project references the CLI.</summary>
    public static string TrellisDll => System.IO.Path.Combine(AppContext.BaseDirectory, "trellis.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Trellis.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Trellis.sln not found above " + AppContext.BaseDirectory);
    }
}
