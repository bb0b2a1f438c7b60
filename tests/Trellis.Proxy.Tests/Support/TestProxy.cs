using Google.Protobuf;
using Trellis.Proxy.Bootstrap;
using Trellis.Xds;

namespace Trellis.Proxy.Tests.Support;

/// <summary>A proxy runtime without a control plane: tests push resources straight into its xDS handler.</summary>
internal sealed class TestProxy : IAsyncDisposable
{
    public ProxyRuntime Runtime { get; }
    public HttpClient Admin { get; }

    private TestProxy(ProxyRuntime runtime)
    {
        Runtime = runtime;
        Admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{runtime.Admin.Port}") };
    }

    public static async Task<TestProxy> StartAsync(string nodeId = "sidecar~127.0.0.1~productpage-v1-0.bookinfo~bookinfo.svc.cluster.local",
        string? adminToken = null, int accessLogCapacity = Trellis.Proxy.AccessLogs.AccessLogSinks.DefaultCapacity, Uri? appMetrics = null)
    {
        var options = new ProxyOptions(nodeId, new Uri("http://127.0.0.1:1"), 0, "bookinfo", "productpage-v1-0", "productpage-v1", "bookinfo-productpage",
            new Dictionary<string, string> { ["app"] = "productpage", ["version"] = "v1" }, new Dictionary<string, string>(), adminToken,
            AppMetrics: appMetrics);
        var runtime = new ProxyRuntime(options, accessLogCapacity: accessLogCapacity) { LogLevels = new Trellis.Proxy.Bootstrap.LogLevels() };
        await runtime.StartAdminAsync(0, CancellationToken.None);
        return new TestProxy(runtime);
    }

    public Task<string?> ApplyAsync(string typeUrl, params IMessage[] resources) => Runtime.Handler.ApplyAsync(typeUrl, "v" + Interlocked.Increment(ref _version), resources);

    private static int _version;

    /// <summary>Pushes a full configuration in the order a server sends it (CDS, EDS, LDS, RDS) and asserts each is accepted.</summary>
    public async Task PushAsync(IMessage[] clusters, IMessage[] endpoints, IMessage[] listeners, IMessage[] routes)
    {
        Assert.Null(await ApplyAsync(TypeUrls.Cluster, clusters));
        Assert.Null(await ApplyAsync(TypeUrls.ClusterLoadAssignment, endpoints));
        Assert.Null(await ApplyAsync(TypeUrls.Listener, listeners));
        Assert.Null(await ApplyAsync(TypeUrls.RouteConfiguration, routes));
    }

    /// <summary>A client that sends every request through the proxy's listener as an HTTP proxy, like apps with HTTP_PROXY.</summary>
    public static HttpClient ClientVia(int listenerPort) => new(new SocketsHttpHandler
    {
        Proxy = new System.Net.WebProxy($"http://127.0.0.1:{listenerPort}"),
        UseProxy = true,
    });

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Runtime.DisposeAsync();
    }
}
