using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>gRPC in the mesh with the grpc-greeter sample: real gRPC clients in the greeter-client pod (the
/// sample's .NET client, and @grpc/grpc-js) reach greeter:50051 through their sidecar with CONNECT; the port is
/// named `grpc`, so the sidecar routes every call on its own and VirtualService weights and header matches
/// apply per call, even on one HTTP/2 connection.</summary>
[Collection(SampleMeshCollection.Name)]
public sealed class GrpcThroughMeshTests(SampleMesh mesh)
{
    private const string Namespace = "grpc-greeter";
    private const string ClientPod = "greeter-client";

    private static readonly string Greeter = Repo.Path("samples", "grpc-greeter", "bin", "grpc-greeter");

    private Task ApplyAsync(string file) => mesh.ApplySampleAsync("grpc-greeter", "networking", file);

    /// <summary>`trellis exec -n grpc-greeter deploy/greeter-client -- grpc-greeter call ARGS`.</summary>
    private async Task<TrellisCli.Result> CallAsync(params string[] args)
    {
        var result = await mesh.ExecAsync(Namespace, ClientPod, [Greeter, "call", .. args]);
        Assert.True(result.ExitCode == 0 && GreeterOutput.Errors(result.Stdout).Count == 0, result.All);
        return result;
    }

    /// <summary>The same through @grpc/grpc-js (installed for the xDS conformance test).</summary>
    private Task<TrellisCli.Result> NodeCallAsync(string mode, int count, params string[] headers)
    {
        var modules = GrpcJsFactAttribute.Modules;
        return mesh.ExecAsync(Namespace, ClientPod,
        [
            "node", Repo.Path("tests", "Trellis.EndToEnd", "Harness", "greeter-client.js"),
            Path.Combine(modules, "grpc-js"), Path.Combine(modules, "proto-loader"),
            Repo.Path("samples", "grpc-greeter", "src", "Trellis.Samples.GrpcGreeter", "Protos", "greeter.proto"),
            "greeter:50051", mode, count.ToString(), .. headers,
        ]);
    }

    /// <summary>Waits until 20 calls in a row (one client run) are all answered by <paramref name="version"/>.</summary>
    private Task SettleOnAsync(string version) => mesh.WaitUntilAsync(async () =>
    {
        var result = await mesh.ExecAsync(Namespace, ClientPod, Greeter, "call", "--count", "20");
        return result.ExitCode == 0 && GreeterOutput.Tally(result.Stdout).GetValueOrDefault(version) == 20;
    }, TimeSpan.FromSeconds(30), $"every call to be answered by {version}");

    [Fact]
    public async Task Without_a_route_calls_from_one_client_are_balanced_across_v1_and_v2()
    {
        // Every networking variant is the VirtualService "greeter"; deleting by any of the files removes it.
        await mesh.DeleteSampleAsync("grpc-greeter", "networking", "virtual-service-all-v1.yaml");
        await mesh.WaitUntilAsync(async () =>
        {
            var probe = await mesh.ExecAsync(Namespace, ClientPod, Greeter, "call", "--count", "20");
            return GreeterOutput.Tally(probe.Stdout).Count == 2;
        }, TimeSpan.FromSeconds(30), "calls to reach both versions once the route is gone");

        var calls = await CallAsync("--count", "40", "--name", "ada");
        var tally = GreeterOutput.Tally(calls.Stdout);
        Assert.Equal(40, tally.GetValueOrDefault("v1") + tally.GetValueOrDefault("v2"));
        // One channel is one connection, so the spread is the sidecar's per-call balancing.
        // n=40, p=0.5: sd = 3.16; the 99.9% bound is ±10.4.
        Assert.InRange(tally.GetValueOrDefault("v2"), 10, 30);
        Assert.All(GreeterOutput.Replies(calls.Stdout), r => Assert.StartsWith($"greeter-{r.Version}-", r.Pod));
    }

    [Fact]
    public async Task Calls_with_end_user_jason_go_to_v2_and_the_rest_to_v1_call_by_call()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("v1");
        await ApplyAsync("virtual-service-end-user-v2.yaml");
        await mesh.WaitUntilAsync(async () =>
        {
            var probe = await mesh.ExecAsync(Namespace, ClientPod, Greeter, "call", "--header", "end-user=jason");
            return GreeterOutput.Tally(probe.Stdout).ContainsKey("v2");
        }, TimeSpan.FromSeconds(30), "the end-user route to take effect");

        var jason = await CallAsync("--count", "20", "--header", "end-user=jason");
        Assert.Equal(20, GreeterOutput.Tally(jason.Stdout).GetValueOrDefault("v2"));
        Assert.All(GreeterOutput.Replies(jason.Stdout), r => Assert.Contains("end-user=jason", r.Metadata));

        var others = await CallAsync("--count", "20", "--header", "end-user=ada");
        Assert.Equal(20, GreeterOutput.Tally(others.Stdout).GetValueOrDefault("v1"));
    }

    [Fact]
    public async Task A_90_10_split_applies_per_call_within_the_binomial_bound()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("v1");
        await ApplyAsync("virtual-service-90-10.yaml");
        // Count from the first v2 answer on: the split is in force from then.
        await mesh.WaitUntilAsync(async () =>
        {
            var probe = await mesh.ExecAsync(Namespace, ClientPod, Greeter, "call", "--count", "20");
            return GreeterOutput.Tally(probe.Stdout).ContainsKey("v2");
        }, TimeSpan.FromSeconds(30), "the 90/10 split to take effect");

        var calls = await CallAsync("--count", "400");
        var tally = GreeterOutput.Tally(calls.Stdout);
        Assert.Equal(400, tally.GetValueOrDefault("v1") + tally.GetValueOrDefault("v2"));
        // n=400, p=0.1: sd = 6; the two-sided 99.9% bound is 3.29 sd = ±20.
        Assert.InRange(tally.GetValueOrDefault("v2"), 20, 60);
    }

    [Fact]
    public async Task A_server_stream_delivers_every_message_then_status_OK_and_the_trailers()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("v1");
        var stream = await CallAsync("--stream", "25");
        Assert.Equal(Enumerable.Range(1, 25), GreeterOutput.Replies(stream.Stdout).Select(r => r.Sequence));
        Assert.All(GreeterOutput.Replies(stream.Stdout), r => Assert.Equal("v1", r.Version));
        Assert.Contains("status=OK received=25 trailers: greeter-version=v1", stream.Stdout);
    }

    [GrpcJsFact]
    public async Task Grpc_js_with_http_proxy_is_routed_per_call_too()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("v1");
        await ApplyAsync("virtual-service-end-user-v2.yaml");
        await mesh.WaitUntilAsync(async () =>
        {
            var probe = await mesh.ExecAsync(Namespace, ClientPod, Greeter, "call", "--header", "end-user=jason");
            return GreeterOutput.Tally(probe.Stdout).ContainsKey("v2");
        }, TimeSpan.FromSeconds(30), "the end-user route to take effect");

        var jason = await NodeCallAsync("unary", 10, "end-user=jason");
        Assert.True(jason.ExitCode == 0, jason.All);
        Assert.Equal(10, GreeterOutput.Tally(jason.Stdout).GetValueOrDefault("v2"));
        Assert.All(GreeterOutput.Replies(jason.Stdout), r => Assert.Contains("end-user=jason", r.Metadata));

        var stream = await NodeCallAsync("stream", 5);
        Assert.True(stream.ExitCode == 0, stream.All);
        Assert.Equal([1, 2, 3, 4, 5], GreeterOutput.Replies(stream.Stdout).Select(r => r.Sequence));
        Assert.All(GreeterOutput.Replies(stream.Stdout), r => Assert.Equal("v1", r.Version));
        Assert.Contains("status=OK received=5 trailers: greeter-version=v1", stream.Stdout);
    }

    [Fact]
    public async Task The_destination_sidecar_counts_each_call_as_grpc_with_its_status()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("v1");
        (string, string)[] grpcOk = [("reporter", "destination"), ("request_protocol", "grpc"), ("grpc_response_status", "0"), ("destination_workload", "greeter-v1")];
        var before = Prometheus.Sum(await mesh.StatsAsync("greeter-v1"), "istio_requests_total", grpcOk);

        await CallAsync("--count", "15");

        await mesh.WaitUntilAsync(async () => Prometheus.Sum(await mesh.StatsAsync("greeter-v1"), "istio_requests_total", grpcOk) - before >= 15,
            TimeSpan.FromSeconds(10), "greeter-v1's sidecar to count 15 more grpc requests");
        var after = Prometheus.Sum(await mesh.StatsAsync("greeter-v1"), "istio_requests_total", grpcOk);
        Assert.Equal(15, after - before);
        var source = Prometheus.Sum(await mesh.StatsAsync(ClientPod), "istio_requests_total", ("reporter", "source"), ("request_protocol", "grpc"), ("destination_workload", "greeter-v1"));
        Assert.True(source >= 15, $"the client's sidecar counted {source} grpc requests to greeter-v1");
    }
}
