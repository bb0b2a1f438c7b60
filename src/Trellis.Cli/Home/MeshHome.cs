using Trellis.Runtime;

namespace Trellis.Cli.Home;

/// <summary>The state directory of one local mesh: every verb finds the running mesh through it. Only its owner
/// may enter it (0700): it holds the admin credential, pod tokens, configuration and logs.</summary>
internal sealed class MeshHome
{
    public MeshHome(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }
    public string StatePath => Path.Combine(Root, "mesh.json");
    public string PodsPath => Path.Combine(Root, "pods.json");
    public string StoreDirectory => Path.Combine(Root, "store");
    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>The mesh's admin credential (0600): `trellis apply`, `delete` and `get` send it as a bearer token.</summary>
    public string AdminCredentialPath => Path.Combine(Root, "admin-token");

    /// <summary>Held by the running `trellis up` for its whole life; the kernel releases it when that process dies.</summary>
    public string SupervisorLockPath => Path.Combine(Root, "supervisor.lock");

    /// <summary>--home wins, then TRELLIS_HOME, then ~/.trellis.</summary>
    public static MeshHome Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return new MeshHome(option);
        var env = Environment.GetEnvironmentVariable("TRELLIS_HOME");
        if (!string.IsNullOrWhiteSpace(env)) return new MeshHome(env);
        return new MeshHome(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trellis"));
    }

    /// <summary>Creates the home (0700, also when it existed with a wider mode), its folders, and the admin
    /// credential if there is none yet that only the owner can read.</summary>
    public void EnsureExists()
    {
        SecretFile.CreatePrivateDirectory(Root);
        Directory.CreateDirectory(StoreDirectory);
        Directory.CreateDirectory(LogsDirectory);
        SecretFile.Ensure(AdminCredentialPath);
    }

    /// <summary>The admin credential, or null with the reason when this user cannot read it.</summary>
    public string? ReadAdminCredential(out string? error)
    {
        try
        {
            error = null;
            return SecretFile.Read(AdminCredentialPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the mesh's admin credential {AdminCredentialPath}: {e.Message}";
            return null;
        }
    }
}
