using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trellis.EndToEnd.Harness;

/// <summary>One mesh of the tcp-echo and grpc-greeter samples, started with the real CLI
/// (`trellis up -f samples/tcp-echo -f samples/grpc-greeter`) in its own home, shared by the
/// scenarios of a collection and stopped like Ctrl-C. Six pods: tcp-echo v1/v2 and sleep, greeter v1/v2 and
/// greeter-client.</summary>
public sealed class SampleMesh() : RunningMesh("trellis-e2e-samples-")
{
    private const int PodCount = 6;

    public override async Task InitializeAsync()
    {
        StartUp(["-f", Repo.Path("samples", "tcp-echo"), "-f", Repo.Path("samples", "grpc-greeter"), "--port", Ports.Free().ToString()]);
        await WaitUntilAsync(() => Task.FromResult(PodsFile.Read(Cli.Home) is { Count: PodCount } pods && pods.All(p => p.Ready)),
            TimeSpan.FromSeconds(120), $"all {PodCount} sample pods ready");
    }

    internal PodsFile.Pod Pod(string deployment) => PodsFile.Read(Cli.Home).First(p => p.Deployment == deployment);

    /// <summary>`trellis apply -f` of a file under samples/.</summary>
    internal async Task ApplySampleAsync(params string[] path)
    {
        var result = await Cli.RunAsync("apply", "-f", Repo.Path(["samples", .. path]));
        Assert.True(result.ExitCode == 0, result.All);
    }

    /// <summary>`trellis delete -f` of a file under samples/ (no error if it was not applied).</summary>
    internal Task DeleteSampleAsync(params string[] path) => Cli.RunAsync("delete", "-f", Repo.Path(["samples", .. path]));

    /// <summary>`trellis exec -n NS deploy/NAME -- COMMAND...`: COMMAND runs with that pod's sidecar as its proxy.</summary>
    internal Task<TrellisCli.Result> ExecAsync(string ns, string deployment, params string[] command) =>
        Cli.RunAsync(TimeSpan.FromSeconds(90), ["exec", "-n", ns, $"deploy/{deployment}", "--", .. command]);

    /// <summary>What an app in <paramref name="deployment"/>'s pod does to reach a TCP service: connect to its
    /// sidecar's outbound port and ask for <c>CONNECT authority</c>. Returns the socket once the tunnel is open.</summary>
    internal async Task<Socket> TunnelAsync(string deployment, string authority)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, Pod(deployment).OutboundPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"));
            var head = await ReadHeadAsync(socket);
            if (!head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                throw new InvalidOperationException($"the sidecar of {deployment} refused CONNECT {authority}: {head}");
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads the response head a byte at a time, so no tunnelled byte is taken.</summary>
    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    /// <summary>The sidecar's Prometheus text, from the admin port pods.json lists.</summary>
    internal async Task<string> StatsAsync(string deployment)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        return await client.GetStringAsync($"http://127.0.0.1:{Pod(deployment).AdminPort}/stats/prometheus");
    }
}

/// <summary>Scenarios sharing the samples mesh run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SampleMeshCollection : ICollectionFixture<SampleMesh>
{
    public const string Name = "samples mesh";
}
