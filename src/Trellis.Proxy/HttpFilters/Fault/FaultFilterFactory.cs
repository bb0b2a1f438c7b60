using Envoy.Extensions.Filters.Http.Fault.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.HttpFilters.Fault;

/// <summary>Envoy's fault filter: an HTTPFault in the chain, and another per route or virtual host that replaces it there.</summary>
internal sealed class FaultFilterFactory : HttpFilterFactory
{
    public override string Name => FaultPolicy.FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [HTTPFault.Descriptor];
    public override IReadOnlyList<MessageDescriptor> RouteConfigTypes => ConfigTypes;

    public override object Compile(IMessage config, string where) => FaultPolicy.From((HTTPFault)config, where);

    public override object CompileForRoute(IMessage config, string where) => FaultPolicy.From((HTTPFault)config, where);

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new FaultFilter((FaultPolicy)filter.Config, filter.Slot);
}
