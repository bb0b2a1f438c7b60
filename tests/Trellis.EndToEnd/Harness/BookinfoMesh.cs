using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Trellis.EndToEnd.Harness;

/// <summary>One Bookinfo mesh started with the real CLI (`trellis up`) in its own home, shared by
/// the scenarios of a collection, and stopped with SIGTERM like Ctrl-C.</summary>
public sealed class BookinfoMesh : IAsyncLifetime
{
    private readonly StringBuilder _upOutput = new();
    private Process? _up;

    internal TrellisCli Cli { get; } = new(Directory.CreateTempSubdirectory("trellis-e2e-").FullName);
    public int IngressPort { get; } = FreePort();
    public string UpOutput { get { lock (_upOutput) return _upOutput.ToString(); } }

    public async Task InitializeAsync()
    {
        var start = Cli.StartInfo(["up", "-f", Repo.Path("samples", "bookinfo", "platform"), "--port", IngressPort.ToString()]);
        _up = Process.Start(start)!;
        _up.OutputDataReceived += (_, e) => { lock (_upOutput) _upOutput.AppendLine(e.Data); };
        _up.ErrorDataReceived += (_, e) => { lock (_upOutput) _upOutput.AppendLine(e.Data); };
        _up.BeginOutputReadLine();
        _up.BeginErrorReadLine();
        await WaitUntilAsync(async () => PodsFile.Read(Cli.Home) is { Count: 6 } pods && pods.All(p => p.Ready)
                                         && await IngressAnswersAsync(), TimeSpan.FromSeconds(120), "all six Bookinfo pods ready and the ingress serving");
    }

    public async Task DisposeAsync()
    {
        if (_up is null) return;
        if (!_up.HasExited)
        {
            await Cli.RunAsync("down");
            if (!_up.WaitForExit(30_000)) _up.Kill(entireProcessTree: true);
        }
        _up.Dispose();
    }

    internal bool UpHasExited => _up?.HasExited ?? true;

    internal int UpPid => _up!.Id;

    /// <summary>An HTTP client that behaves like an app in the given deployment's pod: its requests go
    /// out through that pod's sidecar, addressed by service name.</summary>
    internal HttpClient ClientInPod(string deployment)
    {
        var pod = PodsFile.Read(Cli.Home).First(p => p.Deployment == deployment);
        return new HttpClient(new SocketsHttpHandler
        {
            Proxy = new WebProxy($"http://127.0.0.1:{pod.OutboundPort}"),
            UseProxy = true,
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        }) { Timeout = TimeSpan.FromSeconds(10) };
    }

    internal HttpClient IngressClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{IngressPort}"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Which reviews version answered: v1 has no rating, v2 black stars, v3 red stars.</summary>
    internal static string ReviewsVersion(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var review = doc.RootElement.GetProperty("reviews")[0];
        if (!review.TryGetProperty("rating", out var rating)) return "v1";
        return rating.GetProperty("color").GetString() == "red" ? "v3" : "v2";
    }

    internal async Task<TrellisCli.Result> ApplyAsync(string yaml)
    {
        var file = Path.Combine(Cli.Home, $"apply-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await Cli.RunAsync("apply", "-f", file);
    }

    private async Task<bool> IngressAnswersAsync()
    {
        try
        {
            using var client = IngressClient();
            using var response = await client.GetAsync("/productpage");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    internal async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (UpHasExited) throw new InvalidOperationException($"trellis up exited while waiting for {what}:\n{UpOutput}");
            if (await condition()) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"timed out after {timeout} waiting for {what}; trellis up said:\n{UpOutput}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Scenarios sharing one Bookinfo mesh run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BookinfoCollection : ICollectionFixture<BookinfoMesh>
{
    public const string Name = "bookinfo mesh";
}
