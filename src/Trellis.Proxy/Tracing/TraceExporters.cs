using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Tracing;

/// <summary>One OpenTelemetry SDK tracer provider per place spans go (protocol, service name, collector address), each
/// with its own activity source and a batch processor: export happens on the SDK's thread from a bounded queue, so a slow
/// or dead collector drops spans and never delays a request. The number of destinations is capped; spans for more are
/// not recorded.</summary>
internal sealed class TraceExporters(string ownServiceName) : IDisposable
{
    private const int MaxDestinations = 8;
    private readonly ConcurrentDictionary<(TraceExportProtocol, string, Uri), Destination> _destinations = new();
    private readonly Lock _adding = new();
    private int _sources;

    private sealed record Destination(ActivitySource Source, TracerProvider Provider);

    /// <summary>The activity source whose spans reach <paramref name="target"/>; null when the cap is reached.</summary>
    public ActivitySource? SourceFor(TraceExportTarget target, ProxySnapshot snapshot)
    {
        var endpoint = Resolve(target, snapshot);
        var key = (target.Protocol, target.ServiceName ?? ownServiceName, endpoint);
        if (_destinations.TryGetValue(key, out var found)) return found.Source;
        lock (_adding)
        {
            if (_destinations.TryGetValue(key, out found)) return found.Source;
            if (_destinations.Count >= MaxDestinations) return null;
            var destination = Create(target.Protocol, key.Item2, endpoint, $"Trellis.Proxy.Spans.{Interlocked.Increment(ref _sources)}");
            _destinations[key] = destination;
            return destination.Source;
        }
    }

    /// <summary>The collector's address: the first endpoint of the target's cluster when the proxy has it, else the URI's.</summary>
    internal static Uri Resolve(TraceExportTarget target, ProxySnapshot snapshot)
    {
        if (target.Cluster is not { } name || !snapshot.Clusters.TryGetValue(name, out var cluster)) return target.Uri;
        var endpoint = cluster.Endpoints.FirstOrDefault(e => e.Healthy && e.InternalListener is null) ?? cluster.Endpoints.FirstOrDefault(e => e.InternalListener is null);
        return endpoint is null ? target.Uri : new UriBuilder(target.Uri) { Host = endpoint.Host, Port = endpoint.Port }.Uri;
    }

    private static Destination Create(TraceExportProtocol protocol, string serviceName, Uri endpoint, string sourceName)
    {
        var builder = Sdk.CreateTracerProviderBuilder()
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(serviceName));
        builder = protocol switch
        {
            // OpenTelemetry has deprecated its Zipkin exporter in favour of OTLP, but Istio's zipkin provider (and Jaeger's
            // Zipkin port) take Zipkin's JSON v2; until Trellis writes that format itself, this package is the one that does.
#pragma warning disable CS0618
            TraceExportProtocol.Zipkin => builder.AddZipkinExporter(o => o.Endpoint = endpoint),
#pragma warning restore CS0618
            _ => builder.AddOtlpExporter(o =>
            {
                o.Endpoint = endpoint;
                o.Protocol = protocol == TraceExportProtocol.OtlpGrpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                o.TimeoutMilliseconds = 2000;
            }),
        };
        return new Destination(new ActivitySource(sourceName), builder.Build()!);
    }

    public void Dispose()
    {
        foreach (var destination in _destinations.Values)
        {
            destination.Provider.ForceFlush(2000);
            destination.Provider.Dispose();
            destination.Source.Dispose();
        }
    }
}
