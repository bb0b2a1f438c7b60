using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Configuration;
using CommonHttpProtocolOptions = Envoy.Config.Core.V3.HttpProtocolOptions;

namespace Trellis.Proxy.Clusters;

/// <summary>How long, and for how many requests, an upstream HTTP connection is reused (common_http_protocol_options).</summary>
/// <param name="IdleTimeout">idle_timeout: how long an unused connection is kept.</param>
/// <param name="MaxDuration">max_connection_duration: a connection this old takes no new request; null for no limit.</param>
/// <param name="MaxRequests">max_requests_per_connection; null for no limit.</param>
internal sealed record ConnectionReuse(TimeSpan IdleTimeout, TimeSpan? MaxDuration, uint? MaxRequests)
{
    // Envoy's default is an hour; a minute frees idle sockets to apps that come and go in local mode sooner.
    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(1);

    /// <param name="cluster">Read for the deprecated cluster-level max_requests_per_connection, which the options override.</param>
    public static ConnectionReuse From(CommonHttpProtocolOptions? common, Cluster cluster, string where)
    {
        var idle = DurationField.PositiveOr(common?.IdleTimeout, DefaultIdleTimeout, where, "common_http_protocol_options.idle_timeout");
        TimeSpan? lifetime = common?.MaxConnectionDuration is { } duration
            ? DurationField.PositiveOr(duration, TimeSpan.Zero, where, "common_http_protocol_options.max_connection_duration")
            : null;
        var maxRequests = common?.MaxRequestsPerConnection ?? cluster.MaxRequestsPerConnection;
        // Zero means no limit for either, as in Envoy.
        return new ConnectionReuse(idle, lifetime > TimeSpan.Zero ? lifetime : null, maxRequests is > 0 ? maxRequests : null);
    }
}
