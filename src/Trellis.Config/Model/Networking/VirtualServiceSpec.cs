namespace Trellis.Config.Model.Networking;

/// <summary>Istio VirtualService: routing rules for the hosts it claims, on the mesh and/or gateways.</summary>
public sealed record VirtualServiceSpec
{
    public IReadOnlyList<string>? Hosts { get; init; }
    public IReadOnlyList<string>? Gateways { get; init; }
    public IReadOnlyList<HttpRoute>? Http { get; init; }
    public IReadOnlyList<TlsRoute>? Tls { get; init; }
    public IReadOnlyList<TcpRoute>? Tcp { get; init; }
    public IReadOnlyList<string>? ExportTo { get; init; }
}

/// <summary>One HTTP rule: matches (first match wins) and what to do — route, redirect, direct response or delegate.</summary>
public sealed record HttpRoute
{
    public string? Name { get; init; }
    public IReadOnlyList<HttpMatchRequest>? Match { get; init; }
    public IReadOnlyList<HttpRouteDestination>? Route { get; init; }
    public HttpRedirect? Redirect { get; init; }
    public HttpDirectResponse? DirectResponse { get; init; }
    public Delegate? Delegate { get; init; }
    public HttpRewrite? Rewrite { get; init; }
    public TimeSpan? Timeout { get; init; }
    public HttpRetry? Retries { get; init; }
    public HttpFaultInjection? Fault { get; init; }
    public Destination? Mirror { get; init; }
    public IReadOnlyList<HttpMirrorPolicy>? Mirrors { get; init; }
    public Percent? MirrorPercentage { get; init; }
    [Loading.Deprecated("use mirrorPercentage")] public int? MirrorPercent { get; init; }
    public CorsPolicy? CorsPolicy { get; init; }
    public Headers? Headers { get; init; }
}

/// <summary>A weighted destination of an HTTP route, with header operations applied when it is chosen.</summary>
public sealed record HttpRouteDestination
{
    public Destination? Destination { get; init; }
    public int? Weight { get; init; }
    public Headers? Headers { get; init; }
}

/// <summary>A weighted destination of a TCP or TLS route.</summary>
public sealed record RouteDestination
{
    public Destination? Destination { get; init; }
    public int? Weight { get; init; }
}

/// <summary>Delegates routing to another VirtualService.</summary>
public sealed record Delegate
{
    public string? Name { get; init; }
    public string? Namespace { get; init; }
}

/// <summary>TLS passthrough routing by SNI.</summary>
public sealed record TlsRoute
{
    public IReadOnlyList<TlsMatchAttributes>? Match { get; init; }
    public IReadOnlyList<RouteDestination>? Route { get; init; }
}

/// <summary>Opaque TCP routing.</summary>
public sealed record TcpRoute
{
    public IReadOnlyList<L4MatchAttributes>? Match { get; init; }
    public IReadOnlyList<RouteDestination>? Route { get; init; }
}

/// <summary>TLS route match: SNI hosts and L4 attributes.</summary>
public sealed record TlsMatchAttributes
{
    public IReadOnlyList<string>? SniHosts { get; init; }
    public IReadOnlyList<string>? DestinationSubnets { get; init; }
    public int? Port { get; init; }
    public IReadOnlyDictionary<string, string>? SourceLabels { get; init; }
    public IReadOnlyList<string>? Gateways { get; init; }
    public string? SourceNamespace { get; init; }
}

/// <summary>TCP route match on L4 attributes.</summary>
public sealed record L4MatchAttributes
{
    public IReadOnlyList<string>? DestinationSubnets { get; init; }
    public int? Port { get; init; }
    public string? SourceSubnet { get; init; }
    public IReadOnlyDictionary<string, string>? SourceLabels { get; init; }
    public IReadOnlyList<string>? Gateways { get; init; }
    public string? SourceNamespace { get; init; }
}
