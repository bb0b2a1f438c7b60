using System.Net.Sockets;
using System.Text;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>Istio's TCP traffic-shifting task on the tcp-echo sample: clients in the sleep pod reach tcp-echo:9000
/// through their sidecar with HTTP CONNECT; `tcp:` VirtualService routes pick v1 ("one") or v2 ("two") per
/// connection.</summary>
[Collection(SampleMeshCollection.Name)]
public sealed class TcpThroughMeshTests(SampleMesh mesh)
{
    private const string Service = "tcp-echo:9000";

    private Task ApplyAsync(string file) => mesh.ApplySampleAsync("tcp-echo", "networking", file);

    /// <summary>One short connection as an app in the sleep pod makes it: tunnel, a line, half-close, read to EOF.</summary>
    private async Task<string> EchoAsync(string line)
    {
        using var socket = await mesh.TunnelAsync("sleep", Service);
        await socket.SendAsync(Encoding.UTF8.GetBytes(line + "\n"));
        socket.Shutdown(SocketShutdown.Send);
        return await ReadToEndAsync(socket);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static async Task<string> ReadLineAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var line = new StringBuilder();
        var one = new byte[1];
        while (!line.ToString().EndsWith('\n') && await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) > 0) line.Append((char)one[0]);
        return line.ToString();
    }

    /// <summary>Waits until 20 consecutive new connections answer with <paramref name="prefix"/>.</summary>
    private Task SettleOnAsync(string prefix)
    {
        var consecutive = 0;
        return mesh.WaitUntilAsync(async () =>
        {
            consecutive = await EchoAsync("settle") == $"{prefix} settle\n" ? consecutive + 1 : 0;
            return consecutive >= 20;
        }, TimeSpan.FromSeconds(15), $"every new connection to answer '{prefix}'");
    }

    [Fact]
    public async Task Curl_in_the_sleep_pod_reaches_tcp_echo_through_a_CONNECT_tunnel()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        // curl's telnet:// client never half-closes when stdin ends, so the echo server keeps the connection
        // open and curl stops at --max-time (exit code 28) after printing the reply.
        var result = await mesh.ExecAsync("tcp-echo", "sleep", "sh", "-c",
            "echo hello | curl -s --max-time 3 -p -x \"$http_proxy\" telnet://tcp-echo:9000");
        Assert.True(result.ExitCode is 0 or 28, result.All);
        Assert.Equal("one hello\n", result.Stdout);
    }

    [Fact]
    public async Task An_80_20_route_splits_400_new_connections_within_the_binomial_bound()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        await ApplyAsync("virtual-service-20-v2.yaml");
        // Counting starts at the first "two": from then on the new route is in force, and the connections
        // after that moment are independent of when it came.
        await mesh.WaitUntilAsync(async () => await EchoAsync("x") == "two x\n", TimeSpan.FromSeconds(15), "a first connection to v2");

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            var reply = await EchoAsync($"hello {i}");
            var prefix = reply.Split(' ')[0];
            Assert.Equal($"{prefix} hello {i}\n", reply);
            counts[prefix] = counts.GetValueOrDefault(prefix) + 1;
        }
        // n=400, p=0.2: sd = 8; the two-sided 99.9% bound is 3.29 sd = ±26.
        Assert.InRange(counts.GetValueOrDefault("two"), 54, 106);
        Assert.Equal(400, counts.GetValueOrDefault("one") + counts.GetValueOrDefault("two"));
    }

    [Fact]
    public async Task Shifting_to_0_100_sends_every_new_connection_to_v2_and_leaves_an_open_one_on_v1()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        using var open = await mesh.TunnelAsync("sleep", Service);
        await open.SendAsync("before\n"u8.ToArray());
        Assert.Equal("one before\n", await ReadLineAsync(open));

        await ApplyAsync("virtual-service-all-v2.yaml");
        await SettleOnAsync("two");
        for (var i = 0; i < 50; i++) Assert.Equal($"two new {i}\n", await EchoAsync($"new {i}"));

        // As in Istio: a route picks the destination when a connection opens; the open one stays where it is.
        await open.SendAsync("after\n"u8.ToArray());
        Assert.Equal("one after\n", await ReadLineAsync(open));
    }

    [Fact]
    public async Task One_tunnel_carries_a_conversation_both_ways_and_a_half_close()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        using var socket = await mesh.TunnelAsync("sleep", Service);
        await socket.SendAsync("first\n"u8.ToArray());
        Assert.Equal("one first\n", await ReadLineAsync(socket));
        await socket.SendAsync("second\nthird\n"u8.ToArray());
        Assert.Equal("one second\n", await ReadLineAsync(socket));
        Assert.Equal("one third\n", await ReadLineAsync(socket));

        // 200 KB in one go, then a last line without '\n' and a half-close: every reply still comes back,
        // then the server's own close arrives as EOF.
        var bulk = string.Concat(Enumerable.Range(0, 200).Select(i => $"{i:D4}{new string('x', 995)}\n"));
        // Read while sending: the echo comes back as fast as it goes out, and neither side may block the other.
        var reading = ReadToEndAsync(socket);
        await socket.SendAsync(Encoding.ASCII.GetBytes(bulk + "last"));
        socket.Shutdown(SocketShutdown.Send);
        var rest = await reading;
        var expected = string.Concat(bulk.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => $"one {l}\n")) + "one last";
        Assert.Equal(expected.Length, rest.Length);
        Assert.Equal(expected, rest);
    }

    private const string OneConnectionAtATime = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: tcp-echo-one-connection
          namespace: tcp-echo
        spec:
          host: tcp-echo
          trafficPolicy:
            connectionPool:
              tcp: {maxConnections: 1}
        """;

    [Fact]
    public async Task With_maxConnections_1_a_second_connection_is_refused_until_the_first_one_closes()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        var rule = Path.Combine(mesh.Cli.Home, "tcp-echo-one-connection.yaml");
        await File.WriteAllTextAsync(rule, OneConnectionAtATime);
        try
        {
            using (var first = await mesh.TunnelAsync("sleep", Service))
            {
                await first.SendAsync("held\n"u8.ToArray());
                Assert.Equal("one held\n", await ReadLineAsync(first));
                var apply = await mesh.Cli.RunAsync("apply", "-f", rule);
                Assert.True(apply.ExitCode == 0, apply.All);

                // The open connection keeps counting once the limit arrives, so the next one overflows, as with Envoy's tcp_proxy.
                var refusal = "";
                await mesh.WaitUntilAsync(async () =>
                {
                    refusal = await RefusalAsync();
                    return refusal.Length > 0;
                }, TimeSpan.FromSeconds(15), "a second connection to be refused");
                Assert.StartsWith("HTTP/1.1 503 ", refusal);
                Assert.Contains("is at its circuit breaker limit (max_connections 1)", refusal);
                Assert.Contains("envoy_cluster_upstream_cx_overflow{envoy_cluster_name=\"outbound|9000|v1|tcp-echo.tcp-echo.svc.cluster.local\"}",
                    await mesh.StatsAsync("sleep"));
            }

            await mesh.WaitUntilAsync(async () => await RefusalAsync() == "", TimeSpan.FromSeconds(10), "a connection after the first closed");
            Assert.Equal("one after\n", await EchoAsync("after"));
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", rule);
        }
    }

    private const string TwoSecondConnections = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: tcp-echo-short-lived
          namespace: tcp-echo
        spec:
          host: tcp-echo
          trafficPolicy:
            connectionPool:
              tcp: {maxConnectionDuration: 2s}
        """;

    [Fact]
    public async Task With_maxConnectionDuration_a_busy_connection_is_closed_once_it_is_that_old()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        var rule = Path.Combine(mesh.Cli.Home, "tcp-echo-short-lived.yaml");
        await File.WriteAllTextAsync(rule, TwoSecondConnections);
        try
        {
            var apply = await mesh.Cli.RunAsync("apply", "-f", rule);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.DoesNotContain("maxConnectionDuration", apply.All);
            // A connection opened after the rule arrived is closed at two seconds however busy it is; before, it lived on.
            await mesh.WaitUntilAsync(async () =>
            {
                using var socket = await mesh.TunnelAsync("sleep", Service);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var answered = 0;
                while (clock.Elapsed < TimeSpan.FromSeconds(6))
                {
                    try
                    {
                        await socket.SendAsync("ping\n"u8.ToArray());
                        if (await ReadLineAsync(socket) != "one ping\n") break;
                    }
                    catch (SocketException)
                    {
                        break;
                    }
                    answered++;
                    await Task.Delay(100);
                }
                return answered > 5 && clock.Elapsed > TimeSpan.FromSeconds(1.5) && clock.Elapsed < TimeSpan.FromSeconds(5);
            }, TimeSpan.FromSeconds(40), "a busy connection to be closed at two seconds");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", rule);
        }
    }

    private static string IngressGateway(int port, int v1, int v2) => $$"""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: tcp-echo-gateway, namespace: tcp-echo}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: {{port}}, name: tcp, protocol: TCP}
            hosts: ["*"]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: tcp-echo-ingress, namespace: tcp-echo}
        spec:
          hosts: ["*"]
          gateways: [tcp-echo-gateway]
          tcp:
          - match:
            - port: {{port}}
            route:
            - destination: {host: tcp-echo, port: {number: 9000}, subset: v1}
              weight: {{v1}}
            - destination: {host: tcp-echo, port: {number: 9000}, subset: v2}
              weight: {{v2}}
        """;

    /// <summary>What `(echo world) | nc INGRESS_HOST TCP_INGRESS_PORT` prints in Istio's task; "" while nothing listens.</summary>
    private static async Task<string> EchoThroughGatewayAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
            await socket.SendAsync("world\n"u8.ToArray());
            socket.Shutdown(SocketShutdown.Send);
            return await ReadToEndAsync(socket);
        }
        catch (SocketException)
        {
            return "";
        }
    }

    [Fact]
    public async Task Istios_task_through_the_ingress_gateway_a_tcp_server_shifts_connections_by_weight()
    {
        var port = Ports.Free();
        var file = Path.Combine(mesh.Cli.Home, "tcp-echo-gateway.yaml");
        await File.WriteAllTextAsync(file, IngressGateway(port, 100, 0));
        try
        {
            var apply = await mesh.Cli.RunAsync("apply", "-f", file);
            Assert.True(apply.ExitCode == 0, apply.All);
            Assert.DoesNotContain("TRL0006", apply.All);
            await mesh.WaitUntilAsync(async () => await EchoThroughGatewayAsync(port) == "one world\n", TimeSpan.FromSeconds(15),
                "the gateway's TCP server to answer from v1");

            await File.WriteAllTextAsync(file, IngressGateway(port, 50, 50));
            Assert.Equal(0, (await mesh.Cli.RunAsync("apply", "-f", file)).ExitCode);
            var seen = new HashSet<string>();
            await mesh.WaitUntilAsync(async () =>
            {
                seen.Add(await EchoThroughGatewayAsync(port));
                return seen.IsSupersetOf(["one world\n", "two world\n"]);
            }, TimeSpan.FromSeconds(15), "connections through the gateway to reach both v1 and v2");
        }
        finally
        {
            await mesh.Cli.RunAsync("delete", "-f", file);
        }
        await mesh.WaitUntilAsync(async () => await EchoThroughGatewayAsync(port) == "", TimeSpan.FromSeconds(15), "the TCP server to be gone with its Gateway");
    }

    /// <summary>The head of the sidecar's refusal of a new connection; empty when the connection was let through.</summary>
    private async Task<string> RefusalAsync()
    {
        try
        {
            using var socket = await mesh.TunnelAsync("sleep", Service);
            socket.Shutdown(SocketShutdown.Send);
            await ReadToEndAsync(socket);
            return "";
        }
        catch (InvalidOperationException e)
        {
            return e.Message[(e.Message.IndexOf("HTTP/", StringComparison.Ordinal))..];
        }
    }

    [Fact]
    public async Task The_destination_sidecar_counts_tunnelled_connections_as_tcp()
    {
        await ApplyAsync("virtual-service-all-v1.yaml");
        await SettleOnAsync("one");
        var before = Prometheus.Sum(await mesh.StatsAsync("tcp-echo-v1"), "istio_tcp_connections_opened_total", ("reporter", "destination"), ("request_protocol", "tcp"));
        for (var i = 0; i < 10; i++) Assert.Equal($"one m{i}\n", await EchoAsync($"m{i}"));
        await mesh.WaitUntilAsync(async () =>
            Prometheus.Sum(await mesh.StatsAsync("tcp-echo-v1"), "istio_tcp_connections_opened_total", ("reporter", "destination"), ("request_protocol", "tcp")) - before >= 10,
            TimeSpan.FromSeconds(10), "tcp-echo-v1's sidecar to count 10 more tcp connections");
        var stats = await mesh.StatsAsync("tcp-echo-v1");
        Assert.Contains(stats.Split('\n'), l => l.StartsWith("istio_tcp_received_bytes_total{", StringComparison.Ordinal)
                                                && l.Contains("destination_workload=\"tcp-echo-v1\"") && l.Contains("source_workload=\"sleep\""));
    }
}
