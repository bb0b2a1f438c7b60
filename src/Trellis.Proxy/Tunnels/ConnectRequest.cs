using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Trellis.Proxy.Tunnels;

/// <summary>A CONNECT request as an <see cref="HttpContext"/>, so routing, balancing, header mutations
/// and telemetry treat it like any other request.</summary>
internal static class ConnectRequest
{
    public static DefaultHttpContext Create(ConnectionContext connection, ConnectTarget target, Http1Head head, TunnelCompletion completion)
    {
        var request = new HttpRequestFeature { Method = HttpMethods.Connect, Protocol = target.Version, Scheme = "http", Path = "" };
        foreach (var (name, value) in head.Headers) request.Headers.Append(name, value);
        request.Headers.Host = target.Authority;
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(completion);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = connection.ConnectionClosed });
        return new DefaultHttpContext(features);
    }
}

/// <summary>Runs, when a tunnel ends, what the request path registered for the end of its request
/// (such as LEAST_REQUEST's count of requests in flight).</summary>
internal sealed class TunnelCompletion : HttpResponseFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _callbacks = [];

    public override void OnCompleted(Func<object, Task> callback, object state) => _callbacks.Add((callback, state));

    public async Task CompleteAsync()
    {
        for (var i = _callbacks.Count - 1; i >= 0; i--) await _callbacks[i].Callback(_callbacks[i].State);
    }
}
