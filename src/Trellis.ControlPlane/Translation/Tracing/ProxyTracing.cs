using Envoy.Config.Core.V3;
using Envoy.Config.Trace.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Type.Tracing.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Model.Telemetry;
using Trellis.Config.Semantics;
using Trellis.ControlPlane.Mesh;
using Trellis.Xds;
using Hcm = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager;

namespace Trellis.ControlPlane.Translation.Tracing;

/// <summary>Each HCM's tracing, as istiod decides it: Telemetry <c>tracing</c> (mesh, namespace, workload; per
/// <c>match.mode</c>) over the mesh config's <c>enableTracing</c>, <c>defaultProviders.tracing</c> and
/// <c>defaultConfig.tracing</c> (sampling, default 1%; custom tags; a Zipkin address). Where nothing names a provider,
/// spans go to the control plane's own OTLP receiver, so traces need no set-up: the one place Trellis's default differs
/// from Istio's, whose proxies then trace to nothing.</summary>
internal static class ProxyTracing
{
    /// <summary>One side's HCM tracing and the request-id settings that decide its sampling.</summary>
    public sealed record HcmTracing(Hcm.Types.Tracing Tracing, RequestIDExtension? RequestIds);

    public const string OpenTelemetryTracer = "envoy.tracers.opentelemetry";
    public const string ZipkinTracer = "envoy.tracers.zipkin";

    /// <summary>The cluster name the default receiver's HttpUri carries; proxies reach the receiver by its URI.</summary>
    public const string ReceiverCluster = "trellis-control-plane";

    private const double IstioDefaultSampling = 1.0;

    public static (HcmTracing? Client, HcmTracing? Server) For(MeshModel mesh, ProxyNode node)
    {
        var scopes = new TelemetryScopes(mesh.Resources, mesh.Settings.RootNamespace).For(node.Namespace, node.Labels).WidestFirst
            .Select(s => s.Spec.Tracing).OfType<IReadOnlyList<TelemetryTracing>>().Where(r => r.Count > 0).ToList();
        if (scopes.Count == 0 && !mesh.Settings.EnableTracing) return (null, null);
        return (Build(mesh, node, Effective(scopes, TelemetryModeSelector.Client)), Build(mesh, node, Effective(scopes, TelemetryModeSelector.Server)));
    }

    /// <summary>Tracing providers whose collector is not a service of the mesh: the proxy cannot reach them, so its spans
    /// are dropped (Trellis sends there all the same, as Envoy would, and says so in proxy-status).</summary>
    public static IReadOnlyList<string> Problems(MeshModel mesh, (HcmTracing? Client, HcmTracing? Server) tracing) =>
        new[] { tracing.Client, tracing.Server }.OfType<HcmTracing>().Select(t => CollectorCluster(t.Tracing.Provider)).OfType<string>().Distinct()
            .Where(cluster => cluster.Split('|') is [_, var port, _, var host] && !(mesh.ServicesByFqdn.TryGetValue(host, out var service)
                && service.Ports.Any(p => p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) == port)))
            .Select(cluster => $"tracing: the collector {cluster.Split('|')[3]}:{cluster.Split('|')[1]} is not a service of the mesh, so this proxy's spans are dropped")
            .ToList();

    private static string? CollectorCluster(Envoy.Config.Trace.V3.Tracing.Types.Http provider) => provider.TypedConfig switch
    {
        { } any when any.TryUnpack<ZipkinConfig>(out var zipkin) => zipkin.CollectorCluster,
        { } any when any.TryUnpack<OpenTelemetryConfig>(out var otel) => otel.GrpcService?.EnvoyGrpc?.ClusterName
            ?? (otel.HttpService?.HttpUri?.Cluster is { } cluster && cluster != ReceiverCluster ? cluster : null),
        _ => null,
    };

    private static TracingRule Effective(IReadOnlyList<IReadOnlyList<TelemetryTracing>> scopes, string side)
    {
        var rule = TracingRule.None;
        foreach (var rules in scopes)
            foreach (var r in rules)
                if ((r.Match?.Mode ?? TelemetryModeSelector.ClientAndServer) is TelemetryModeSelector.ClientAndServer || r.Match?.Mode == side)
                    rule = rule.Then(r);
        return rule;
    }

    private static HcmTracing? Build(MeshModel mesh, ProxyNode node, TracingRule rule)
    {
        var settings = mesh.Settings;
        var defaults = settings.TracingDefaults;
        var provider = Provider(mesh, node, rule.Providers ?? settings.DefaultTracingProviders);
        if (provider is null) return null;
        var sampling = rule.DisableSpanReporting ? 0 : Math.Clamp(rule.SamplingPercentage ?? defaults.Sampling ?? IstioDefaultSampling, 0, 100);
        var tracing = new Hcm.Types.Tracing
        {
            RandomSampling = new Envoy.Type.V3.Percent { Value = sampling },
            Provider = provider,
            MaxPathTagLength = (uint)Math.Clamp(defaults.MaxPathTagLength ?? 256, 1, 8192),
        };
        var tags = new Dictionary<string, TracingCustomTag>(defaults.CustomTags ?? new Dictionary<string, TracingCustomTag>());
        foreach (var (name, tag) in rule.CustomTags) tags[name] = tag;
        foreach (var (name, tag) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            if (CustomTagOf(name, tag) is { } custom) tracing.CustomTags.Add(custom);
        return new HcmTracing(tracing, RequestIdsOf(rule));
    }

    /// <summary>Envoy samples by the x-request-id unless told otherwise, so only Telemetry's
    /// <c>useRequestIdForTraceSampling: false</c> needs the UUID extension's config, as istiod writes it.</summary>
    private static RequestIDExtension? RequestIdsOf(TracingRule rule) => rule.UseRequestIdForTraceSampling == false
        ? new RequestIDExtension { TypedConfig = XdsAny.Pack(new Envoy.Extensions.RequestId.Uuid.V3.UuidRequestIdConfig { UseRequestIdForTraceSampling = false }) }
        : null;

    /// <summary>The first provider Trellis can export to; with none named, the Zipkin address of defaultConfig, else the
    /// control plane's receiver. A named provider that is not declared gives no tracing (the analyzer warns of it).</summary>
    private static Envoy.Config.Trace.V3.Tracing.Types.Http? Provider(MeshModel mesh, ProxyNode node, IReadOnlyList<string> names)
    {
        var serviceName = $"{node.Labels.GetValueOrDefault("app") ?? node.PodName}.{node.Namespace}";
        foreach (var name in names)
        {
            var declared = mesh.Settings.ExtensionProviders.FirstOrDefault(p => p.Name == name);
            if (declared?.Opentelemetry is { Service: { } otelHost, Port: { } otelPort } otel)
                return Http(OpenTelemetryTracer, OpenTelemetry(otel, otelHost, otelPort, serviceName));
            if (declared?.Zipkin is { Service: { } zipkinHost, Port: { } zipkinPort } zipkin)
                return Http(ZipkinTracer, Zipkin(zipkinHost, zipkinPort, zipkin.Path, zipkin.Enable64bitTraceId == true));
        }
        if (names.Count > 0) return null;
        if (mesh.Settings.TracingDefaults.Zipkin?.Address is { } address && address.LastIndexOf(':') is > 0 and var colon
            && int.TryParse(address[(colon + 1)..], out var port))
            return Http(ZipkinTracer, Zipkin(address[..colon], port, null, false));
        return mesh.TraceReceiver is { } receiver
            ? Http(OpenTelemetryTracer, new OpenTelemetryConfig
            {
                ServiceName = serviceName,
                HttpService = new HttpService { HttpUri = new HttpUri { Uri = receiver, Cluster = ReceiverCluster, Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) } },
            })
            : null;
    }

    private static OpenTelemetryConfig OpenTelemetry(OpenTelemetryTracingProvider provider, string host, int port, string serviceName)
    {
        var cluster = ClusterNames.Outbound(port, null, host);
        var config = new OpenTelemetryConfig { ServiceName = serviceName };
        if (provider.Http is { } http)
        {
            var path = string.IsNullOrEmpty(http.Path) ? "/v1/traces" : "/" + http.Path.TrimStart('/');
            config.HttpService = new HttpService { HttpUri = new HttpUri { Uri = $"http://{host}:{port}{path}", Cluster = cluster, Timeout = Duration.FromTimeSpan(http.Timeout ?? TimeSpan.FromSeconds(2)) } };
        }
        else
        {
            config.GrpcService = new GrpcService { EnvoyGrpc = new GrpcService.Types.EnvoyGrpc { ClusterName = cluster, Authority = host } };
        }
        return config;
    }

    private static ZipkinConfig Zipkin(string host, int port, string? path, bool sixtyFourBitIds) => new()
    {
        CollectorCluster = ClusterNames.Outbound(port, null, host),
        CollectorEndpoint = string.IsNullOrEmpty(path) ? "/api/v2/spans" : "/" + path.TrimStart('/'),
        CollectorEndpointVersion = ZipkinConfig.Types.CollectorEndpointVersion.HttpJson,
        CollectorHostname = host,
        TraceId128Bit = !sixtyFourBitIds,
        SharedSpanContext = false,
    };

    private static Envoy.Config.Trace.V3.Tracing.Types.Http Http(string name, Google.Protobuf.IMessage config) =>
        new() { Name = name, TypedConfig = XdsAny.Pack(config) };

    private static CustomTag? CustomTagOf(string name, TracingCustomTag tag) => tag switch
    {
        { Literal.Value: { } value } => new CustomTag { Tag = name, Literal = new CustomTag.Types.Literal { Value = value } },
        { Environment.Name: { } env } => new CustomTag { Tag = name, Environment = new CustomTag.Types.Environment { Name = env, DefaultValue = tag.Environment.DefaultValue ?? "" } },
        { Header.Name: { } header } => new CustomTag { Tag = name, RequestHeader = new CustomTag.Types.Header { Name = header, DefaultValue = tag.Header.DefaultValue ?? "" } },
        _ => null,
    };
}
