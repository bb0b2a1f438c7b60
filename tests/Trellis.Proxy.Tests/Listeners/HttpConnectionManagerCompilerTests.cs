using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Listeners;
using static Trellis.Proxy.Tests.Support.TestFilters;

namespace Trellis.Proxy.Tests.Listeners;

/// <summary>A connection manager's http_filters are taken as Envoy takes them: each by the filter that declares its
/// typed_config's @type, unknown ones refused by name unless optional, and a terminal filter (the router) last.</summary>
public sealed class HttpConnectionManagerCompilerTests
{
    private static HttpConnectionManagerModel Compile(HttpFilterRegistry? registry, params HttpFilter[] filters)
    {
        var hcm = new HttpConnectionManager { StatPrefix = "l", Rds = new Rds { RouteConfigName = "r" }, HttpFilters = { filters } };
        return registry is null ? HttpConnectionManagerCompiler.Compile("listener \"l\"", hcm) : HttpConnectionManagerCompiler.Compile("listener \"l\"", hcm, registry);
    }

    private static HttpFilter Router(bool suppress = false) => new() { Name = "envoy.filters.http.router", TypedConfig = Any.Pack(new Router { SuppressEnvoyHeaders = suppress }) };

    private static readonly Any Magic = new() { TypeUrl = "type.googleapis.com/acme.filters.Magic" };

    [Fact]
    public void An_unknown_filter_is_refused_naming_the_listener_the_filter_and_its_type()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(Registry, new HttpFilter { Name = "acme.magic", TypedConfig = Magic }, Terminal()));
        Assert.StartsWith("listener \"l\": HTTP filter \"acme.magic\" (acme.filters.Magic) is not supported by this proxy", e.Message);
    }

    [Fact]
    public void An_optional_unknown_filter_is_left_out_of_the_chain()
    {
        var hcm = Compile(Registry, new HttpFilter { Name = "acme.magic", TypedConfig = Magic, IsOptional = true },
            new HttpFilter { Name = Mark, TypedConfig = Magic, IsOptional = true }, Filter(Mark, "m"), Terminal());
        Assert.Equal([Mark, Answer], hcm.HttpFilters.Select(f => f.Name));
    }

    [Fact]
    public void A_filter_named_for_one_filter_with_anothers_config_is_refused_naming_both()
    {
        var e = Assert.Throws<ConfigException>(() => Compile(null, new HttpFilter { Name = "envoy.filters.http.fault", TypedConfig = Any.Pack(new Router()) }, Router()));
        Assert.Contains("HTTP filter \"envoy.filters.http.fault\" has a typed_config of envoy.extensions.filters.http.router.v3.Router", e.Message);
        Assert.Contains("it takes envoy.extensions.filters.http.fault.v3.HTTPFault", e.Message);
    }

    [Fact]
    public void A_filter_under_a_name_of_its_own_is_found_by_its_config_type()
    {
        var hcm = Compile(null, new HttpFilter { Name = "faults-for-tests", TypedConfig = Any.Pack(new HTTPFault()) }, Router());
        Assert.Equal("envoy.filters.http.fault", hcm.HttpFilters[0].Factory.Name);
        Assert.Equal("faults-for-tests", hcm.HttpFilters[0].Name);
    }

    [Fact]
    public void The_router_must_end_the_chain()
    {
        var early = Assert.Throws<ConfigException>(() => Compile(null, Router(), new HttpFilter { Name = "envoy.filters.http.fault", TypedConfig = Any.Pack(new HTTPFault()) }));
        Assert.Contains("HTTP filter \"envoy.filters.http.router\" (envoy.filters.http.router) is terminal and must be the last filter", early.Message);
        var missing = Assert.Throws<ConfigException>(() => Compile(null, new HttpFilter { Name = "envoy.filters.http.fault", TypedConfig = Any.Pack(new HTTPFault()) }));
        Assert.Contains("must end with a terminal filter", missing.Message);
    }

    [Fact]
    public void The_last_filter_cannot_be_disabled_by_default()
    {
        var router = Router();
        router.Disabled = true;
        var e = Assert.Throws<ConfigException>(() => Compile(null, router));
        Assert.Contains("cannot be disabled by default", e.Message);
    }

    [Fact]
    public void A_filter_without_typed_config_is_found_by_name_with_its_defaults()
    {
        var hcm = Compile(null, new HttpFilter { Name = "envoy.filters.http.router" });
        Assert.False(hcm.SuppressEnvoyHeaders);
        Assert.Throws<ConfigException>(() => Compile(null, new HttpFilter { Name = "acme.magic" }, Router()));
    }

    [Fact]
    public void Suppress_envoy_headers_is_the_routers_config()
    {
        Assert.True(Compile(null, Router(suppress: true)).SuppressEnvoyHeaders);
        Assert.False(Compile(null, Router(suppress: false)).SuppressEnvoyHeaders);
    }

    [Fact]
    public void A_config_that_does_not_decode_is_refused_naming_the_filter()
    {
        var broken = new Any { TypeUrl = "type.googleapis.com/" + HTTPFault.Descriptor.FullName, Value = Google.Protobuf.ByteString.CopyFrom(0xff, 0xff) };
        var e = Assert.Throws<ConfigException>(() => Compile(null, new HttpFilter { Name = "envoy.filters.http.fault", TypedConfig = broken }, Router()));
        Assert.Contains("HTTP filter \"envoy.filters.http.fault\": envoy.extensions.filters.http.fault.v3.HTTPFault does not decode", e.Message);
    }
}
