using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>A hostile or careless user feeds the running mesh bad YAML: each attempt ends in one line naming the file,
/// the object and the limit, a non-zero exit and no stack trace, and the mesh keeps serving as before.</summary>
[Collection(BookinfoCollection.Name)]
public sealed class HostileInputTests(BookinfoMesh mesh)
{
    private const string Deep = "VirtualService bookinfo/deep";

    private static string DeepVirtualService(int levels) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: deep
          namespace: bookinfo
        spec:
          hosts: {new string('[', levels)}
        """;

    [Fact]
    public async Task Applying_a_hundred_thousand_levels_of_nesting_is_refused_and_the_mesh_keeps_serving()
    {
        var result = await mesh.ApplyAsync(DeepVirtualService(100_000));

        Assert.Equal(1, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"[TRL0008] ({Deep} ", lines[0]);
        Assert.EndsWith("nested deeper than 200 levels (the limit)", lines[0]);
        Assert.StartsWith("error: configuration rejected; nothing was applied", lines[1]);
        await AssertMeshStillServesAsync();
    }

    [Fact]
    public async Task Applying_malformed_yaml_prints_one_positioned_line_and_no_stack_trace()
    {
        var result = await mesh.ApplyAsync("a: [b\n- c");

        Assert.Equal(1, result.ExitCode);
        var diagnostic = Assert.Single(result.Stderr.Split('\n'), l => l.Contains("[TRL0001]"));
        Assert.Contains(".yaml:1:", diagnostic);
        Assert.Contains("malformed YAML", diagnostic);
        Assert.DoesNotContain("   at ", result.All);
        await AssertMeshStillServesAsync();
    }

    [Fact]
    public async Task A_null_host_from_standard_input_is_an_error_at_the_field()
    {
        var result = await RunWithInputAsync(DeepVirtualService(0) + "[~]\n", "apply", "-f", "-");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"({Deep} <stdin>:7:11) spec.hosts[0]: expected a string, got null", result.Stderr);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public async Task Analyze_refuses_the_same_deep_document_with_the_same_line()
    {
        var file = Path.Combine(mesh.Cli.Home, "deep.yaml");
        await File.WriteAllTextAsync(file, DeepVirtualService(30_000));

        var result = await mesh.Cli.RunAsync("analyze", "-f", file);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"Error [TRL0008] ({Deep} {file}:7:{10 + 198}) nested deeper than 200 levels (the limit)", line);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("macos")]
    public async Task An_unexpected_failure_is_one_line_unless_verbose_is_asked_for()
    {
        // The running mesh's own state, but with its API on a port where nothing listens.
        var home = Directory.CreateTempSubdirectory("trellis-e2e-unreachable-").FullName;
        var state = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(mesh.Cli.Home, "mesh.json")))!;
        state["apiPort"] = ClosedPort();
        await File.WriteAllTextAsync(Path.Combine(home, "mesh.json"), state.ToJsonString());
        var file = Path.Combine(home, "ns.yaml");
        await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: Namespace\nmetadata: {name: unreachable}\n");
        var cli = new TrellisCli(home);
        // A mesh counts as live while a process holds the home's supervisor lock (fcntl); this test holds it.
        using var supervisor = new FileStream(Path.Combine(home, "supervisor.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        supervisor.Lock(0, 0);

        var plain = await cli.RunAsync("apply", "-f", file);
        var verbose = await cli.RunAsync("apply", "-f", file, "--verbose");

        Assert.Equal(1, plain.ExitCode);
        var line = Assert.Single(plain.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("Connection refused", line);
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AssertMeshStillServesAsync()
    {
        var status = JsonDocument.Parse((await mesh.Cli.RunAsync("status", "-o", "json")).Stdout).RootElement;
        Assert.True(status.GetProperty("controlPlane").GetProperty("healthy").GetBoolean());
        using var client = mesh.IngressClient();
        using var page = await client.GetAsync("/productpage");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var missing = await mesh.Cli.RunAsync("get", "virtualservices", "deep", "-n", "bookinfo");
        Assert.Equal(1, missing.ExitCode);
    }

    private async Task<TrellisCli.Result> RunWithInputAsync(string input, params string[] args)
    {
        using var process = Process.Start(mesh.Cli.StartInfo(args))!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new TrellisCli.Result(process.ExitCode, await stdout, await stderr);
    }
}
