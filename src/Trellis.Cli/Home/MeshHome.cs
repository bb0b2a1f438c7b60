namespace Trellis.Cli.Home;

/// <summary>The state directory of one local mesh: every verb finds the running mesh through it.</summary>
internal sealed class MeshHome
{
    public MeshHome(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }
    public string StatePath => Path.Combine(Root, "mesh.json");
    public string PodsPath => Path.Combine(Root, "pods.json");
    public string StoreDirectory => Path.Combine(Root, "store");
    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>--home wins, then TRELLIS_HOME, then ~/.trellis.</summary>
    public static MeshHome Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return new MeshHome(option);
        var env = Environment.GetEnvironmentVariable("TRELLIS_HOME");
        if (!string.IsNullOrWhiteSpace(env)) return new MeshHome(env);
        return new MeshHome(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trellis"));
    }

    public void EnsureExists()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(StoreDirectory);
        Directory.CreateDirectory(LogsDirectory);
    }
}
