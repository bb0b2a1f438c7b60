using Envoy.Extensions.Filters.Http.Rbac.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.HttpFilters.Rbac;

/// <summary>Envoy's RBAC HTTP filter: an RBAC in the chain, and an RBACPerRoute per route or virtual host that
/// replaces it there (one without rbac turns the filter off for that route).</summary>
internal sealed class RbacFilterFactory : HttpFilterFactory
{
    public override string Name => RbacFilterPolicy.FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [RBAC.Descriptor];
    public override IReadOnlyList<MessageDescriptor> RouteConfigTypes { get; } = [RBACPerRoute.Descriptor];

    public override object Compile(IMessage config, string where) => RbacFilterPolicy.From((RBAC)config, where);

    public override object CompileForRoute(IMessage config, string where)
    {
        var perRoute = (RBACPerRoute)config;
        Authorization.UnknownFields.Refuse(perRoute, $"{where} {RbacFilterPolicy.FilterName}");
        return perRoute.Rbac is { } rbac ? RbacFilterPolicy.From(rbac, where) : RbacFilterPolicy.Disabled;
    }

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new RbacFilter((RbacFilterPolicy)filter.Config, filter.Slot);
}
