using Trellis.ControlPlane.Identity;

namespace Trellis.ControlPlane.Tests.Identity;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PodTokenAuthorityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-tokens-").FullName;

    [Fact]
    public void A_token_proves_the_pod_it_was_issued_for_and_its_key_file_is_private()
    {
        var path = Path.Combine(_dir, "key.pem");
        using var tokens = PodTokenAuthority.LoadOrCreate(path);

        var identity = tokens.Validate(tokens.Issue(new WorkloadIdentity("ns1", "sa1", "pod1")), out var error);

        Assert.Null(error);
        Assert.Equal(new WorkloadIdentity("ns1", "sa1", "pod1"), identity);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Expired_foreign_tampered_and_unsigned_tokens_prove_nothing()
    {
        using var tokens = PodTokenAuthority.LoadOrCreate(Path.Combine(_dir, "key.pem"));
        using var other = PodTokenAuthority.LoadOrCreate(Path.Combine(_dir, "other.pem"));
        var good = tokens.Issue(new WorkloadIdentity("ns1", "sa1", "pod1"));
        var parts = good.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Base64Url(parts[1])).Replace("sa1", "sa2");
        var tampered = $"{parts[0]}.{ToBase64Url(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        var unsigned = $"{ToBase64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}"u8.ToArray())}.{parts[1]}.";

        foreach (var bad in new[] { tokens.Issue(new WorkloadIdentity("ns1", "sa1", "pod1"), TimeSpan.FromMinutes(-2)), other.Issue(new WorkloadIdentity("ns1", "sa1", "pod1")), tampered, unsigned, "", new string('a', 9000) })
        {
            Assert.Null(tokens.Validate(bad, out var error));
            Assert.NotNull(error);
        }
    }

    [Fact]
    public void A_key_file_others_can_read_is_refused()
    {
        var path = Path.Combine(_dir, "key.pem");
        PodTokenAuthority.LoadOrCreate(path).Dispose();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var e = Assert.Throws<IdentityConfigurationException>(() => PodTokenAuthority.Load(path));

        Assert.Contains(path, e.Message);
    }

    private static byte[] Base64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4));

    private static string ToBase64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
