namespace Trellis.Runtime.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretFileTests : IDisposable
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TestHome _home = new();

    [Fact]
    public void A_new_token_is_readable_by_its_owner_only_in_a_folder_only_its_owner_can_enter()
    {
        var path = Path.Combine(_home.Root, "private", "admin-token");

        var token = SecretFile.Ensure(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.True(token.Length >= 40, $"token {token} is too short to be unguessable");
        Assert.Equal(token, SecretFile.Read(path));
    }

    [Fact]
    public void Ensure_keeps_a_private_token_and_replaces_one_others_could_read()
    {
        var path = _home.File("admin-token");
        var kept = SecretFile.Ensure(path);
        Assert.Equal(kept, SecretFile.Ensure(path));

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var replaced = SecretFile.Ensure(path);

        Assert.NotEqual(kept, replaced);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_folder_that_existed_with_a_wider_mode_is_made_private()
    {
        var folder = _home.File("home");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, OwnerOnlyDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        SecretFile.CreatePrivateDirectory(folder);

        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(folder));
    }

    [Fact]
    public void Each_pod_gets_its_own_token_which_goes_with_the_pod()
    {
        PodSecrets.CreateAdminToken(_home.Mesh, "bookinfo", "reviews-v1-a");
        PodSecrets.CreateAdminToken(_home.Mesh, "bookinfo", "reviews-v1-b");
        var a = _home.Mesh.PodAdminTokenPath("bookinfo", "reviews-v1-a");
        var b = _home.Mesh.PodAdminTokenPath("bookinfo", "reviews-v1-b");

        Assert.NotEqual(SecretFile.Read(a), SecretFile.Read(b));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(a));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.Combine(_home.Root, "secrets")));

        PodSecrets.Remove(_home.Mesh, "bookinfo", "reviews-v1-a");
        Assert.False(File.Exists(a));
        Assert.True(File.Exists(b));
    }

    public void Dispose() => _home.Dispose();
}
