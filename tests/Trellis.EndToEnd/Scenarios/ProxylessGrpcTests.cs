using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Proxyless gRPC in the mesh, as Istio serves it: a grpc-js-xds client bootstrapped like Istio's agent
/// bootstraps a proxyless pod (sidecar-style node id, GENERATOR grpc) resolves
/// xds:///greeter.grpc-greeter.svc.cluster.local:50051 from the running mesh's control plane and calls the greeter
/// with no sidecar of its own: it applies the VirtualService's header matches, weights and faults itself.</summary>
[Collection(SampleMeshCollection.Name)]
public sealed class ProxylessGrpcTests(SampleMesh mesh)
{
    private const string Target = "xds:///greeter.grpc-greeter.svc.cluster.local:50051";

    /// <summary>How grpc-js reports a call its fault filter aborted with the VirtualService's grpcStatus.</summary>
    private const string Injected = "error status=UNAVAILABLE detail=\"Fault injected\"";

    private Task ApplyAsync(string file) => mesh.ApplySampleAsync("grpc-greeter", "networking", file);

    /// <summary>Waits until a run of the client shows what the latest VirtualService asks for.</summary>
    private Task SettleAsync(ProxylessGreeter client, Func<TrellisCli.Result, bool> applied, string what, params string[] metadata) =>
        mesh.WaitUntilAsync(async () => applied(await client.CallAsync(Target, 5, metadata)), TimeSpan.FromSeconds(60), what);

    [GrpcJsFact]
    public async Task A_header_match_sends_jason_to_v2_and_everyone_else_to_v1()
    {
        using var client = await ProxylessGreeter.ForMeshAsync(mesh.Cli);
        await ApplyAsync("virtual-service-end-user-v2.yaml");
        await SettleAsync(client, r => GreeterOutput.Tally(r.Stdout).GetValueOrDefault("v2") == 5, "the proxyless client to route jason to v2", "end-user=jason");

        var jason = await client.CallAsync(Target, 20, "end-user=jason");
        Assert.True(jason.ExitCode == 0, jason.All);
        Assert.Equal(20, GreeterOutput.Tally(jason.Stdout).GetValueOrDefault("v2"));
        Assert.All(GreeterOutput.Replies(jason.Stdout), r => Assert.Contains("end-user=jason", r.Metadata));

        var ada = await client.CallAsync(Target, 20, "end-user=ada");
        Assert.True(ada.ExitCode == 0, ada.All);
        Assert.Equal(20, GreeterOutput.Tally(ada.Stdout).GetValueOrDefault("v1"));
        Assert.All(GreeterOutput.Replies(ada.Stdout), r => Assert.StartsWith("greeter-v1-", r.Pod));
    }

    [GrpcJsFact]
    public async Task A_90_10_split_is_applied_by_the_client_call_by_call()
    {
        using var client = await ProxylessGreeter.ForMeshAsync(mesh.Cli);
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleAsync(client, r => GreeterOutput.Tally(r.Stdout).GetValueOrDefault("v1") == 5, "the proxyless client to call only v1");
        await ApplyAsync("virtual-service-90-10.yaml");
        await mesh.WaitUntilAsync(async () => GreeterOutput.Tally((await client.CallAsync(Target, 40)).Stdout).ContainsKey("v2"),
            TimeSpan.FromSeconds(60), "the proxyless client to take the 90/10 split");

        var calls = await client.CallAsync(Target, 300);
        Assert.True(calls.ExitCode == 0, calls.All);
        var tally = GreeterOutput.Tally(calls.Stdout);
        Assert.Equal(300, tally.GetValueOrDefault("v1") + tally.GetValueOrDefault("v2"));
        // n=300, p=0.1: mean 30, sd 5.2; 10..60 is more than 3.8 sd either side.
        Assert.InRange(tally.GetValueOrDefault("v2"), 10, 60);
    }

    [GrpcJsFact]
    public async Task A_fault_abort_fails_jasons_calls_with_UNAVAILABLE_before_any_server_sees_them()
    {
        using var client = await ProxylessGreeter.ForMeshAsync(mesh.Cli);
        await ApplyAsync("virtual-service-test-abort.yaml");
        await SettleAsync(client, r => GreeterOutput.Errors(r.Stdout).Count(e => e == Injected) == 5, "the proxyless client to inject the abort", "end-user=jason");
        (string, string)[] served = [("reporter", "destination"), ("destination_workload", "greeter-v1")];
        var before = Prometheus.Sum(await mesh.StatsAsync("greeter-v1"), "istio_requests_total", served);

        var jason = await client.CallAsync(Target, 10, "end-user=jason");
        Assert.Equal(1, jason.ExitCode);
        Assert.Empty(GreeterOutput.Replies(jason.Stdout));
        Assert.Equal(10, GreeterOutput.Errors(jason.Stdout).Count);
        Assert.All(GreeterOutput.Errors(jason.Stdout), e => Assert.Equal(Injected, e));
        Assert.Equal(before, Prometheus.Sum(await mesh.StatsAsync("greeter-v1"), "istio_requests_total", served));

        var ada = await client.CallAsync(Target, 10, "end-user=ada");
        Assert.True(ada.ExitCode == 0, ada.All);
        Assert.Equal(10, GreeterOutput.Tally(ada.Stdout).GetValueOrDefault("v1"));
    }

    [GrpcJsFact]
    public async Task Proxy_status_lists_the_client_as_proxyless_grpc_with_every_type_synced()
    {
        using var client = await ProxylessGreeter.ForMeshAsync(mesh.Cli);
        await ApplyAsync("virtual-service-all-v1.yaml");
        await using var held = await client.HoldAsync(Target, 3);
        Assert.Equal(3, GreeterOutput.Tally(held.Output).GetValueOrDefault("v1"));

        var row = "";
        await mesh.WaitUntilAsync(async () =>
        {
            row = Row((await mesh.Cli.RunAsync("proxy-status")).Stdout);
            return row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(c => c == "SYNCED") == 4;
        }, TimeSpan.FromSeconds(30), "proxy-status to show the proxyless client synced on CDS, LDS, EDS and RDS");
        Assert.Equal("proxyless-grpc", row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    [GrpcJsFact]
    public async Task Proxy_status_shows_the_clusters_the_client_rejects_and_why()
    {
        using var client = await ProxylessGreeter.ForMeshAsync(mesh.Cli);
        await ApplyAsync("virtual-service-all-v1.yaml");
        await using var held = await client.HoldAsync(Target, 1);
        // Maglev is Envoy's; gRPC balances round robin or by ring hash and rejects it, as it does from istiod.
        var maglev = Path.Combine(mesh.Cli.Home, "destination-rule-maglev.yaml");
        await File.WriteAllTextAsync(maglev, """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: greeter, namespace: grpc-greeter}
            spec:
              host: greeter
              trafficPolicy:
                loadBalancer:
                  consistentHash: {httpHeaderName: end-user, maglev: {tableSize: 65537}}
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """);
        try
        {
            var applied = await mesh.Cli.RunAsync("apply", "-f", maglev);
            Assert.True(applied.ExitCode == 0, applied.All);

            var status = new TrellisCli.Result(0, "", "");
            await mesh.WaitUntilAsync(async () =>
            {
                status = await mesh.Cli.RunAsync("proxy-status");
                return Row(status.Stdout).Contains(" NACKED ", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(30), "proxy-status to show the proxyless client's NACK");
            var columns = Row(status.Stdout).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["proxyless-grpc", "NACKED", "SYNCED", "SYNCED", "SYNCED"], columns[1..6]);
            var rejection = status.Stdout.Split('\n').Single(l => l.StartsWith($"{ProxylessGreeter.Pod}.{ProxylessGreeter.Namespace} rejected CDS", StringComparison.Ordinal));
            Assert.Contains("lb_policy", rejection);
        }
        finally
        {
            await mesh.ApplySampleAsync("grpc-greeter", "destination-rule-all.yaml");
        }
    }

    /// <summary>The proxyless client's row of the `trellis proxy-status` table, or "" while it is missing.</summary>
    private static string Row(string table) =>
        table.Split('\n').FirstOrDefault(l => l.StartsWith($"{ProxylessGreeter.Pod}.{ProxylessGreeter.Namespace} ", StringComparison.Ordinal)) ?? "";
}
