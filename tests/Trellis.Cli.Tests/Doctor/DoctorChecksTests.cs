using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Trellis.Cli.Doctor;
using Trellis.ControlPlane.Api;
using Trellis.Runtime;
using Xunit;

namespace Trellis.Cli.Tests.Doctor;

public sealed class DoctorChecksTests : IDisposable
{
    private readonly MeshHome _home = new(Path.Combine(Path.GetTempPath(), $"trellis-doctor-{Guid.NewGuid():N}"));

    public void Dispose()
    {
        if (Directory.Exists(_home.Root)) Directory.Delete(_home.Root, recursive: true);
    }

    [Fact]
    public void A_port_another_program_holds_is_a_warning_naming_the_option_that_moves_the_mesh()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var result = EnvironmentChecks.Port(port, "the ingress gateway (HTTP)", "--port");

        Assert.Equal(CheckStatus.Warning, result.Status);
        Assert.Contains("--port", result.Fix);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_key_other_users_can_read_fails_with_the_chmod_that_fixes_it()
    {
        Directory.CreateDirectory(_home.Root);
        File.WriteAllText(_home.AdminCredentialPath, "secret");
        File.SetUnixFileMode(_home.AdminCredentialPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var result = EnvironmentChecks.Home(_home);

        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Equal($"chmod 600 {_home.AdminCredentialPath}", result.Fix);

        File.SetUnixFileMode(_home.AdminCredentialPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(CheckStatus.Ok, EnvironmentChecks.Home(_home).Status);
    }

    [Fact]
    public void A_pod_that_is_not_ready_fails_and_points_at_its_logs()
    {
        var pods = new[] { Pod("ratings-v1-1", ready: true), Pod("reviews-v1-1", ready: false, reason: "exit code 127") };

        var result = MeshChecks.Pods(pods);

        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.Contains("bookinfo/reviews-v1-1 (Running: exit code 127)", result.Detail);
        Assert.Equal("trellis logs reviews-v1-1 -n bookinfo (and -c istio-proxy for its sidecar)", result.Fix);
    }

    [Fact]
    public void A_proxy_that_rejected_its_config_fails_with_the_error_it_sent()
    {
        var pods = new[] { Pod("ratings-v1-1", ready: true) };
        var proxies = new[]
        {
            new ProxyStatusDto("sidecar~127.0.0.1~ratings-v1-1.bookinfo~bookinfo.svc.cluster.local", "ratings-v1-1", "bookinfo", "sidecar",
                DateTimeOffset.UtcNow,
                [new ProxyTypeStatusDto("type.googleapis.com/envoy.config.listener.v3.Listener", "7", null, "6", "7", "listener x: bad filter")]),
        };

        var results = MeshChecks.Proxies(pods, proxies).ToList();

        Assert.Equal(CheckStatus.Ok, results[0].Status);
        Assert.Equal(CheckStatus.Failed, results[1].Status);
        Assert.Equal("bookinfo/ratings-v1-1 rejected Listener v7: listener x: bad filter", results[1].Detail);
    }

    [Fact]
    public void A_ready_pod_whose_proxy_is_not_connected_fails()
    {
        var results = MeshChecks.Proxies([Pod("ratings-v1-1", ready: true)], []).ToList();

        Assert.Equal(CheckStatus.Failed, results[0].Status);
        Assert.Contains("bookinfo/ratings-v1-1", results[0].Detail);
    }

    [Theory]
    [InlineData(1, 10, "Failed", "clock")]
    [InlineData(-10, -1, "Failed", "certificates")]
    [InlineData(-10, 5, "Warning", "certificates")]
    [InlineData(-10, 365, "Ok", "certificates")]
    public void The_mesh_root_is_checked_against_this_machines_clock(int notBeforeDays, int notAfterDays, string expected, string name)
    {
        var now = DateTimeOffset.UtcNow;
        Directory.CreateDirectory(_home.IdentityDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=cluster.local", key, HashAlgorithmName.SHA256);
        using var root = request.CreateSelfSigned(now.AddDays(notBeforeDays), now.AddDays(notAfterDays));
        File.WriteAllText(Path.Combine(_home.IdentityDirectory, "root-cert.pem"), root.ExportCertificatePem());

        var result = MeshChecks.RootCertificate(_home, now);

        Assert.Equal((expected, name), (result.Status.ToString(), result.Name));
    }

    private static PodState Pod(string name, bool ready, string? reason = null) =>
        new(name, "bookinfo", name[..name.IndexOf('-')], new Dictionary<string, string>(), "default", "127.0.0.1", 1, 2, 3, 4, 9080, [], "app",
            "Running", ready, SidecarReady: true, 0, reason, null, null, DateTimeOffset.UtcNow, "h");
}
