using System.Text.Json;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Another user on the machine (uid nobody) against a running mesh: the hostile-user test that found
/// that anyone could apply a Deployment whose command then ran as the mesh's user, and stop any sidecar.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HostileLocalUserTests(TcpEchoMesh mesh) : IClassFixture<TcpEchoMesh>
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;

    [AsNobodyFact]
    public async Task Nobody_cannot_apply_a_deployment_so_no_command_of_theirs_runs()
    {
        var proof = Path.Combine(Path.GetTempPath(), $"trellis-pwned-{Guid.NewGuid():N}");
        var body = Path.Combine(Path.GetTempPath(), $"trellis-apply-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(body, JsonSerializer.Serialize(new
        {
            files = new[] { new { name = "pwn.yaml", content = Deployment(proof) } },
        }));
        File.SetUnixFileMode(body, OwnerOnlyFile | UnixFileMode.OtherRead);
        var api = $"http://127.0.0.1:{mesh.State().GetProperty("apiPort").GetInt32()}";
        try
        {
            foreach (var credential in new[] { null, "Authorization: Bearer guess" })
            {
                string[] header = credential is null ? [] : ["-H", credential];
                Assert.Equal("401", await AsNobody.CurlAsync([.. header, "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", $"@{body}", $"{api}/api/v1/apply"]));
            }
            Assert.Equal("401", await AsNobody.CurlAsync("-X", "POST", "-H", "Content-Type: application/json", "--data-binary", $"@{body}", $"{api}/api/v1/delete"));

            var deployments = await mesh.Cli.RunAsync("get", "deployments", "-A");
            Assert.True(deployments.ExitCode == 0, deployments.All);
            Assert.DoesNotContain("pwn", deployments.Stdout);
            Assert.Contains("tcp-echo-v1", deployments.Stdout);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the supervisor polls Deployments every second
            Assert.False(File.Exists(proof), "the hostile Deployment's command ran");
            Assert.DoesNotContain(PodsFile.Read(mesh.Cli.Home), p => p.Deployment == "pwn");
        }
        finally
        {
            File.Delete(body);
            File.Delete(proof);
        }
    }

    [AsNobodyFact]
    public async Task Nobody_cannot_read_the_admin_credential_or_any_pod_token()
    {
        var home = mesh.Cli.Home;
        var credential = Path.Combine(home, "admin-token");
        var tokens = Directory.GetFiles(Path.Combine(home, "secrets"), "admin-token", SearchOption.AllDirectories);
        Assert.Equal(4, tokens.Length); // three pods and the ingress gateway

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(home));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(home, "secrets")));
        foreach (var secret in tokens.Append(credential))
        {
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(secret));
            var read = await AsNobody.RunAsync("cat", secret);
            Assert.NotEqual(0, read.ExitCode);
            Assert.Equal("", read.Stdout);
            Assert.Contains("Permission denied", read.Stderr);
        }
    }

    [AsNobodyFact]
    public async Task Nobody_cannot_stop_a_sidecar_or_the_gateway_through_its_admin_port()
    {
        var pod = PodsFile.Read(mesh.Cli.Home).First(p => p.Deployment == "tcp-echo-v1");
        var gatewayAdmin = mesh.State().GetProperty("ingressAdminPort").GetInt32();

        Assert.Equal("401", await AsNobody.CurlAsync("-X", "POST", $"http://127.0.0.1:{pod.AdminPort}/quitquitquit"));
        Assert.Equal("401", await AsNobody.CurlAsync("-X", "POST", "-H", "Authorization: Bearer guess", $"http://127.0.0.1:{pod.AdminPort}/quitquitquit"));
        Assert.Equal("401", await AsNobody.CurlAsync("-X", "POST", $"http://127.0.0.1:{gatewayAdmin}/quitquitquit"));
        // Read-only admin endpoints stay open on loopback, as Envoy's are.
        Assert.Equal("200", await AsNobody.CurlAsync($"http://127.0.0.1:{pod.AdminPort}/ready"));

        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = PodsFile.Read(mesh.Cli.Home).First(p => p.Name == pod.Name);
        Assert.Equal(pod.SidecarPid, after.SidecarPid);
        Assert.True(Kernel.IsAlive(pod.SidecarPid!.Value), "the sidecar was stopped");
        Assert.True(after.Ready, "the pod is no longer ready");
        Assert.Equal("200", await AsNobody.CurlAsync($"http://127.0.0.1:{gatewayAdmin}/ready"));
    }

    private static string Deployment(string proof) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: pwn, namespace: tcp-echo}
        spec:
          selector: {matchLabels: {app: pwn}}
          template:
            metadata: {labels: {app: pwn}}
            spec:
              containers:
              - name: pwn
                command: ["/bin/sh", "-c", "id > {{{proof}}}; sleep 600"]
        """;
}
