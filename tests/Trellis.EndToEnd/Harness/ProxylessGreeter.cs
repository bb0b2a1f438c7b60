using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Trellis.EndToEnd.Harness;

/// <summary>A proxyless gRPC client of the greeter: tests/xds-conformance/greeter.js (@grpc/grpc-js-xds) with an
/// Istio-style bootstrap file (GRPC_XDS_BOOTSTRAP) pointing at the running mesh's xDS port. Its node is what Istio's
/// agent writes for a proxyless pod: id <c>sidecar~IP~pod.ns~ns.svc.cluster.local</c> and metadata GENERATOR grpc.</summary>
internal sealed class ProxylessGreeter : IDisposable
{
    public const string Namespace = "grpc-greeter";
    public const string Pod = "client-xyz";
    public const string NodeId = $"sidecar~127.0.0.1~{Pod}.{Namespace}~{Namespace}.svc.cluster.local";

    private static readonly string[] ProxyVariables = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "grpc_proxy", "all_proxy", "ALL_PROXY"];
    private readonly string _bootstrap;

    private ProxylessGreeter(string bootstrap) => _bootstrap = bootstrap;

    /// <summary>Writes the bootstrap for the mesh whose xDS address `trellis status` reports.</summary>
    public static async Task<ProxylessGreeter> ForMeshAsync(TrellisCli cli)
    {
        var status = await cli.RunAsync("status", "-o", "json");
        Assert.True(status.ExitCode == 0, status.All);
        var xds = new Uri(JsonDocument.Parse(status.Stdout).RootElement.GetProperty("controlPlane").GetProperty("xds").GetString()!);
        var bootstrap = new JsonObject
        {
            ["xds_servers"] = new JsonArray(new JsonObject
            {
                ["server_uri"] = $"127.0.0.1:{xds.Port}",
                ["channel_creds"] = new JsonArray(new JsonObject { ["type"] = "insecure" }),
                ["server_features"] = new JsonArray("xds_v3"),
            }),
            ["node"] = new JsonObject
            {
                ["id"] = NodeId,
                ["metadata"] = new JsonObject
                {
                    ["GENERATOR"] = "grpc",
                    ["NAMESPACE"] = Namespace,
                    ["INSTANCE_IPS"] = "127.0.0.1",
                    ["LABELS"] = new JsonObject { ["app"] = "greeter-proxyless-client" },
                },
                ["locality"] = new JsonObject(),
            },
            ["server_listener_resource_name_template"] = "xds.istio.io/grpc/lds/inbound/%s",
        };
        var path = Path.Combine(cli.Home, $"grpc-bootstrap-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, bootstrap.ToJsonString());
        return new ProxylessGreeter(path);
    }

    /// <summary>COUNT calls of SayHello on one channel to <paramref name="target"/> with the given metadata.</summary>
    public async Task<TrellisCli.Result> CallAsync(string target, int count, params string[] metadata)
    {
        using var process = Start(target, count, metadata, hold: false);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"greeter.js {target} did not finish within 90 s: {await stdout}{await stderr}");
        }
        return new TrellisCli.Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Makes COUNT calls and keeps the client (and its xDS stream) alive until the returned handle is disposed.</summary>
    public async Task<Held> HoldAsync(string target, int count)
    {
        var process = Start(target, count, [], hold: true);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var output = new StringBuilder();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.AppendLine(line);
            if (line == "holding") return new Held(process, output.ToString());
        }
        await process.WaitForExitAsync();
        process.Dispose();
        lock (stderr) Assert.Fail($"greeter.js exited before holding: {output}{stderr}");
        return null!;
    }

    private Process Start(string target, int count, string[] metadata, bool hold)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Repo.Path("tests", "xds-conformance"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("greeter.js");
        start.ArgumentList.Add(target);
        start.ArgumentList.Add(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var m in metadata) start.ArgumentList.Add(m);
        if (hold) start.ArgumentList.Add("--hold");
        // Proxyless: nothing may sit between the client and the mesh, not even a proxy from the environment.
        foreach (var name in ProxyVariables) start.Environment.Remove(name);
        start.Environment["no_grpc_proxy"] = "127.0.0.1,localhost";
        start.Environment["GRPC_XDS_BOOTSTRAP"] = _bootstrap;
        return Process.Start(start) ?? throw new InvalidOperationException("node did not start");
    }

    public void Dispose() => File.Delete(_bootstrap);

    /// <summary>A client that made its calls and stays connected; disposing closes its stdin, which ends it.</summary>
    internal sealed class Held(Process process, string output) : IAsyncDisposable
    {
        public string Output { get; } = output;

        public async ValueTask DisposeAsync()
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }
}
