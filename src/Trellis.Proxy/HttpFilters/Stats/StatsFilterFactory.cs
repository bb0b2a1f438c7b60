using Google.Protobuf;
using Google.Protobuf.Reflection;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Telemetry.Overrides;
using Trellis.Stats.V1;

namespace Trellis.Proxy.HttpFilters.Stats;

/// <summary>The istio.stats filter of Istio's chains, carrying the connection manager's Telemetry metric overrides. It
/// does nothing on the request path: the metrics observer reads its compiled config when the request ends.</summary>
internal sealed class StatsFilterFactory : HttpFilterFactory
{
    public const string FilterName = "istio.stats";

    public override string Name => FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [StatsConfig.Descriptor];

    public override object Compile(IMessage config, string where) => MetricOverridePolicy.Compile((StatsConfig)config, where);

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => PassThrough.Instance;

    private sealed class PassThrough : IHttpFilter
    {
        public static readonly PassThrough Instance = new();

        public Task InvokeAsync(RequestContext context, HttpFilterDelegate next) => next(context);
    }
}
