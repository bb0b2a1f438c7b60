namespace Trellis.Runtime.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MeshHomeTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TestHome _scratch = new();

    [Fact]
    public void Every_file_of_the_mesh_lies_where_the_layout_says_under_one_absolute_root()
    {
        var home = new MeshHome(Path.Combine(_scratch.Root, "sub", "..", "mesh"));
        var root = Path.Combine(_scratch.Root, "mesh");

        Assert.Equal(root, home.Root);
        Assert.Equal(Path.Combine(root, "mesh.json"), home.StatePath);
        Assert.Equal(Path.Combine(root, "pods.json"), home.PodsPath);
        Assert.Equal(Path.Combine(root, "store"), home.StoreDirectory);
        Assert.Equal(Path.Combine(root, "admin-token"), home.AdminCredentialPath);
        Assert.Equal(Path.Combine(root, "supervisor.lock"), home.SupervisorLockPath);
        Assert.Equal(Path.Combine(root, "logs", "bookinfo", "reviews-v1-a", "app.log"), home.PodLogPath("bookinfo", "reviews-v1-a", "app"));
        Assert.Equal(Path.Combine(root, "logs", "istio-system", "trellisd.log"), home.SystemLogPath("trellisd"));
        Assert.Equal(Path.Combine(root, "secrets", "bookinfo", "reviews-v1-a", "admin-token"), home.PodAdminTokenPath("bookinfo", "reviews-v1-a"));
    }

    [Fact]
    public void A_home_is_created_for_its_owner_only_with_its_folders_and_admin_credential()
    {
        var home = new MeshHome(_scratch.File("mesh"));

        home.EnsureExists();

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(home.Root));
        Assert.True(Directory.Exists(home.StoreDirectory));
        Assert.True(Directory.Exists(home.LogsDirectory));
        Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(home.AdminCredentialPath));
        Assert.NotNull(home.ReadAdminCredential(out var error));
        Assert.Null(error);
    }

    [Fact]
    public void A_home_that_others_could_enter_is_closed_to_them_and_keeps_no_credential_they_could_have_read()
    {
        var home = new MeshHome(_scratch.File("shared"));
        Directory.CreateDirectory(home.Root);
        File.SetUnixFileMode(home.Root, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(home.AdminCredentialPath, "seen-by-others");
        File.SetUnixFileMode(home.AdminCredentialPath, SecretFile.OwnerOnly | UnixFileMode.OtherRead);

        home.EnsureExists();

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(home.Root));
        Assert.NotEqual("seen-by-others", home.ReadAdminCredential(out _));
    }

    [Fact]
    public void A_new_mesh_starts_without_any_pods_secrets_from_the_previous_one()
    {
        var home = new MeshHome(_scratch.File("mesh"));
        PodSecrets.CreateAdminToken(home, "bookinfo", "a");
        PodSecrets.CreateAdminToken(home, "istio-system", "istio-ingressgateway");

        PodSecrets.RemoveAll(home);

        Assert.False(Directory.Exists(home.SecretsDirectory));
    }

    [Fact]
    public void The_home_option_wins_over_the_environment_and_the_user_default()
    {
        Assert.Equal(_scratch.File("chosen"), MeshHome.Resolve(_scratch.File("chosen")).Root);
    }

    public void Dispose() => _scratch.Dispose();
}
