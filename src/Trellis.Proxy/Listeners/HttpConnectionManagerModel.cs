using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.HttpFilters.Router;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>The HCM settings the request path needs: where routes come from and the compiled HTTP filter chain.</summary>
internal sealed record HttpConnectionManagerModel(string StatPrefix, string? RdsName, RouteTable? InlineRoutes, IReadOnlyList<HttpFilterModel> HttpFilters, bool GenerateRequestId,
    bool AllowsConnect = false)
{
    /// <summary>The router's suppress_envoy_headers: replies the proxy makes itself do not explain themselves in headers
    /// (x-trellis-reason, x-envoy-*), as on a gateway facing outside clients.</summary>
    public bool SuppressEnvoyHeaders => HttpFilters.Count > 0 && HttpFilters[HttpFilters.Count - 1].Config is RouterConfig { SuppressEnvoyHeaders: true };

    /// <summary>The access logs written for every request (and CONNECT tunnel) this connection manager handles.</summary>
    public IReadOnlyList<AccessLogModel> AccessLogs { get; init; } = [];

    /// <summary>What happens to x-forwarded-client-cert (forward_client_cert_details).</summary>
    public ClientCertificates.ForwardClientCertPolicy ForwardClientCert { get; init; } = ClientCertificates.ForwardClientCertPolicy.Default;

    /// <summary>normalize_path, merge_slashes and path_with_escaped_slashes_action, applied before routing.</summary>
    public Paths.PathNormalization Paths { get; init; } = Listeners.Paths.PathNormalization.None;

    /// <summary>The Telemetry metric overrides of its istio.stats filter; null without one.</summary>
    public Telemetry.Overrides.MetricOverridePolicy? MetricOverrides { get; } =
        HttpFilters.Select(f => f.Config).OfType<Telemetry.Overrides.MetricOverridePolicy>().FirstOrDefault();

    /// <summary>The HCM's tracing; null when it does not trace.</summary>
    public Tracing.TracingPolicy? Tracing { get; init; }

    /// <summary>use_remote_address and xff_num_trusted_hops: how the original client (RBAC remote_ip) is found.</summary>
    public bool UseRemoteAddress { get; init; }

    public uint XffNumTrustedHops { get; init; }

    /// <summary>The inline route table, or the RDS one from <paramref name="snapshot"/>; null until RDS has sent it.</summary>
    public RouteTable? RoutesIn(Configuration.ProxySnapshot snapshot) =>
        InlineRoutes ?? (RdsName is { } rds && snapshot.Routes.TryGetValue(rds, out var table) ? table : null);
}
