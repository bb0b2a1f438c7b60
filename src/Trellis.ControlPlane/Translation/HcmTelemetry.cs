using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.ControlPlane.Translation.Telemetry;
using Trellis.Stats.V1;
using Trellis.Xds;

namespace Trellis.ControlPlane.Translation;

/// <summary>Puts a proxy's telemetry on every HCM of its listeners in one pass: the tracing and the istio.stats metric
/// overrides of the client side on outbound and gateway listeners, of the server side on inbound ones.</summary>
internal static class HcmTelemetry
{
    public sealed record Side(Tracing.ProxyTracing.HcmTracing? Tracing, StatsConfig? Stats)
    {
        public bool IsEmpty => Tracing is null && Stats is null;
    }

    public static void Apply(IEnumerable<Listener> listeners, Side client, Side server)
    {
        foreach (var listener in listeners)
        {
            var side = listener.TrafficDirection == Envoy.Config.Core.V3.TrafficDirection.Inbound ? server : client;
            if (side.IsEmpty) continue;
            foreach (var filter in listener.FilterChains.SelectMany(c => c.Filters))
            {
                if (filter.Name != ListenerTranslator.HcmFilterName || !filter.TypedConfig.Is(HttpConnectionManager.Descriptor)) continue;
                var hcm = filter.TypedConfig.Unpack<HttpConnectionManager>();
                if (side.Tracing is { } tracing)
                {
                    hcm.Tracing = tracing.Tracing;
                    if (tracing.RequestIds is { } requestIds) hcm.RequestIdExtension = requestIds;
                }
                // Before the router, as in Istio's chains.
                if (side.Stats is { } stats)
                    hcm.HttpFilters.Insert(Math.Max(0, hcm.HttpFilters.Count - 1), new HttpFilter { Name = MetricOverrides.FilterName, TypedConfig = XdsAny.Pack(stats) });
                filter.TypedConfig = XdsAny.Pack(hcm);
            }
        }
    }
}
