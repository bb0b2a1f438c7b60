using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Configuration;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Trellis.Proxy.Clusters;

/// <summary>How long, and for how many requests and streams at once, an upstream HTTP connection is reused
/// (common_http_protocol_options, http2_protocol_options).</summary>
/// <param name="IdleTimeout">idle_timeout: how long an unused connection is kept.</param>
/// <param name="MaxDuration">max_connection_duration: a connection this old takes no new request; null for no limit.</param>
/// <param name="MaxRequests">max_requests_per_connection; null for no limit.</param>
/// <param name="MaxConcurrentStreams">http2_protocol_options.max_concurrent_streams: how many streams one HTTP/2 connection
/// carries at once; null for the upstream's own limit.</param>
internal sealed record ConnectionReuse(TimeSpan IdleTimeout, TimeSpan? MaxDuration, uint? MaxRequests, uint? MaxConcurrentStreams)
{
    // Envoy's default is an hour; a minute frees idle sockets to apps that come and go in local mode sooner.
    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(1);

    /// <param name="cluster">Read for the deprecated cluster-level max_requests_per_connection and http2_protocol_options,
    /// which the options override.</param>
    public static ConnectionReuse From(HttpProtocolOptions? options, Cluster cluster, string where)
    {
        var common = options?.CommonHttpProtocolOptions;
        var idle = DurationField.PositiveOr(common?.IdleTimeout, DefaultIdleTimeout, where, "common_http_protocol_options.idle_timeout");
        TimeSpan? lifetime = common?.MaxConnectionDuration is { } duration
            ? DurationField.PositiveOr(duration, TimeSpan.Zero, where, "common_http_protocol_options.max_connection_duration")
            : null;
        var maxRequests = common?.MaxRequestsPerConnection ?? cluster.MaxRequestsPerConnection;
        var http2 = options?.UpstreamProtocolOptionsCase switch
        {
            HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.ExplicitHttpConfig => options.ExplicitHttpConfig.Http2ProtocolOptions,
            HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.UseDownstreamProtocolConfig => options.UseDownstreamProtocolConfig.Http2ProtocolOptions,
            HttpProtocolOptions.UpstreamProtocolOptionsOneofCase.AutoConfig => options.AutoConfig.Http2ProtocolOptions,
            _ => cluster.Http2ProtocolOptions,
        };
        // Envoy's bounds for max_concurrent_streams: 1 to 2^31-1 (its default).
        var streams = http2?.MaxConcurrentStreams;
        if (streams is 0 or > int.MaxValue) throw new ConfigException($"{where}: http2_protocol_options.max_concurrent_streams must be between 1 and {int.MaxValue}");
        // Zero means no limit for either, as in Envoy.
        return new ConnectionReuse(idle, lifetime > TimeSpan.Zero ? lifetime : null, maxRequests is > 0 ? maxRequests : null,
            streams is int.MaxValue ? null : streams);
    }
}
