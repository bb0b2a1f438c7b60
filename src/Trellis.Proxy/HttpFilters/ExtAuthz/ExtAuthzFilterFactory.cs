using Envoy.Extensions.Filters.Http.ExtAuthz.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Trellis.Proxy.HttpFilters.ExtAuthz;

/// <summary>Envoy's external authorization filter with an HTTP authorization service. Per route, an
/// ExtAuthzPerRoute can turn it off (disabled); its check_settings only carry gRPC context extensions.</summary>
internal sealed class ExtAuthzFilterFactory : HttpFilterFactory
{
    public override string Name => ExtAuthzPolicy.FilterName;
    public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [Envoy.Extensions.Filters.Http.ExtAuthz.V3.ExtAuthz.Descriptor];
    public override IReadOnlyList<MessageDescriptor> RouteConfigTypes { get; } = [ExtAuthzPerRoute.Descriptor];

    public override object Compile(IMessage config, string where) => ExtAuthzPolicy.From((Envoy.Extensions.Filters.Http.ExtAuthz.V3.ExtAuthz)config, where);

    public override object CompileForRoute(IMessage config, string where)
    {
        var perRoute = (ExtAuthzPerRoute)config;
        Authorization.UnknownFields.Refuse(perRoute, $"{where} {ExtAuthzPolicy.FilterName}");
        return perRoute.OverrideCase switch
        {
            ExtAuthzPerRoute.OverrideOneofCase.Disabled when perRoute.Disabled => ExtAuthzRouteSetting.Disabled,
            ExtAuthzPerRoute.OverrideOneofCase.CheckSettings => ExtAuthzRouteSetting.Enabled,
            _ => throw new Configuration.ConfigException($"{where} {ExtAuthzPolicy.FilterName}: ExtAuthzPerRoute needs disabled: true or check_settings"),
        };
    }

    public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new ExtAuthzFilter((ExtAuthzPolicy)filter.Config, filter.Slot);
}

/// <summary>What an ExtAuthzPerRoute says for a route: check (the default) or not.</summary>
internal sealed record ExtAuthzRouteSetting(bool Checks)
{
    public static readonly ExtAuthzRouteSetting Disabled = new(false);
    public static readonly ExtAuthzRouteSetting Enabled = new(true);
}
