using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Trellis.Config.Model.Networking;
using Trellis.ControlPlane.Mesh;
using Trellis.ControlPlane.Translation;
using Denominator = Envoy.Type.V3.FractionalPercent.Types.DenominatorType;
using FractionalPercent = Envoy.Type.V3.FractionalPercent;

namespace Trellis.ControlPlane.Tests.Translation;

/// <summary>A VirtualService's http[].fault as Istio compiles it: every HTTP connection manager runs
/// envoy.filters.http.fault before the router, and a route with a fault carries the HTTPFault as its
/// per-filter config (TranslateFault in Istio's route.go).</summary>
public sealed class FaultInjectionTests
{
    private static string Sample(string file) =>
        File.ReadAllText(Path.Combine(MeshFixture.RepoRoot, "samples", "bookinfo", "networking", file));

    private static string Ratings(string fault) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {"{"}name: ratings, namespace: bookinfo{"}"}
        spec:
          hosts: [ratings]
          http:
          - fault:
        {fault}
            route:
            - destination: {"{"}host: ratings, subset: v1{"}"}
        """;

    private static IReadOnlyList<Route> RatingsRoutes(MeshModel mesh) =>
        MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("reviews-v2-abc", "reviews", "v2"))
            .VirtualHosts.Single(v => v.Name.StartsWith("ratings.", StringComparison.Ordinal)).Routes
            .Where(r => r.Match.PathSpecifierCase != RouteMatch.PathSpecifierOneofCase.ConnectMatcher).ToList();

    private static HTTPFault FaultOf(Route route) =>
        Assert.Single(route.TypedPerFilterConfig, kv => kv.Key == "envoy.filters.http.fault").Value.Unpack<HTTPFault>();

    private static void AssertPercent(uint numerator, Denominator denominator, FractionalPercent actual)
    {
        Assert.Equal(numerator, actual.Numerator);
        Assert.Equal(denominator, actual.Denominator);
    }

    [Fact]
    public void The_delay_sample_holds_jasons_ratings_requests_7s_every_time()
    {
        var routes = RatingsRoutes(MeshFixture.Bookinfo(Sample("virtual-service-ratings-test-delay.yaml")));

        Assert.Equal(2, routes.Count);
        Assert.Equal("end-user", Assert.Single(routes[0].Match.Headers).Name);
        var fault = FaultOf(routes[0]);
        Assert.Equal(TimeSpan.FromSeconds(7), fault.Delay.FixedDelay.ToTimeSpan());
        AssertPercent(1_000_000, Denominator.Million, fault.Delay.Percentage);
        Assert.Null(fault.Abort);
        Assert.Equal("outbound|9080|v1|ratings.bookinfo.svc.cluster.local", routes[0].Route_.Cluster);
        Assert.Empty(routes[1].TypedPerFilterConfig);
    }

    [Fact]
    public void The_abort_sample_answers_jason_500_every_time()
    {
        var routes = RatingsRoutes(MeshFixture.Bookinfo(Sample("virtual-service-ratings-test-abort.yaml")));

        var fault = FaultOf(routes[0]);
        Assert.Equal(Envoy.Extensions.Filters.Http.Fault.V3.FaultAbort.ErrorTypeOneofCase.HttpStatus, fault.Abort.ErrorTypeCase);
        Assert.Equal(500u, fault.Abort.HttpStatus);
        AssertPercent(1_000_000, Denominator.Million, fault.Abort.Percentage);
        Assert.Null(fault.Delay);
        Assert.Empty(routes[1].TypedPerFilterConfig);
    }

    [Fact]
    public void A_fractional_percentage_is_counted_in_millionths()
    {
        var fault = FaultOf(Assert.Single(RatingsRoutes(MeshFixture.Bookinfo(Ratings("""
                  delay: {fixedDelay: 250ms, percentage: {value: 0.5}}
                  abort: {httpStatus: 503, percentage: {value: 12.5}}
            """)))));

        Assert.Equal(TimeSpan.FromMilliseconds(250), fault.Delay.FixedDelay.ToTimeSpan());
        AssertPercent(5_000, Denominator.Million, fault.Delay.Percentage);
        Assert.Equal(503u, fault.Abort.HttpStatus);
        AssertPercent(125_000, Denominator.Million, fault.Abort.Percentage);
    }

    [Fact]
    public void The_deprecated_integer_percent_is_a_fraction_of_a_hundred_and_none_delays_nothing()
    {
        var deprecated = FaultOf(Assert.Single(RatingsRoutes(MeshFixture.Bookinfo(Ratings("""
                  delay: {fixedDelay: 2s, percent: 25}
            """)))));
        AssertPercent(25, Denominator.Hundred, deprecated.Delay.Percentage);

        var unset = FaultOf(Assert.Single(RatingsRoutes(MeshFixture.Bookinfo(Ratings("""
                  delay: {fixedDelay: 2s}
            """)))));
        AssertPercent(0, Denominator.Hundred, unset.Delay.Percentage);
    }

    [Fact]
    public void A_grpc_status_name_becomes_its_code_and_an_abort_without_percentage_has_none()
    {
        var fault = FaultOf(Assert.Single(RatingsRoutes(MeshFixture.Bookinfo(Ratings("""
                  abort: {grpcStatus: UNAVAILABLE}
            """)))));

        Assert.Equal(Envoy.Extensions.Filters.Http.Fault.V3.FaultAbort.ErrorTypeOneofCase.GrpcStatus, fault.Abort.ErrorTypeCase);
        Assert.Equal(14u, fault.Abort.GrpcStatus);
        Assert.Null(fault.Abort.Percentage);
    }

    [Theory]
    [InlineData("OK", 0u)]
    [InlineData("CANCELLED", 1u)]
    [InlineData("DEADLINE_EXCEEDED", 4u)]
    [InlineData("NOT_FOUND", 5u)]
    [InlineData("RESOURCE_EXHAUSTED", 8u)]
    [InlineData("UNIMPLEMENTED", 12u)]
    [InlineData("INTERNAL", 13u)]
    [InlineData("UNAUTHENTICATED", 16u)]
    public void Grpc_status_names_map_to_grpcs_codes(string name, uint code) =>
        Assert.Equal(code, FaultTranslator.Translate(new HttpFaultInjection { Abort = new() { GrpcStatus = name } })!.Abort.GrpcStatus);

    [Fact]
    public void Exponential_delays_and_http2_errors_are_dropped_as_istio_drops_them()
    {
        var exponential = new Trellis.Config.Model.Networking.FaultDelay { ExponentialDelay = TimeSpan.FromSeconds(1), Percentage = new Percent { Value = 50 } };
        var http2 = new Trellis.Config.Model.Networking.FaultAbort { Http2Error = "REFUSED_STREAM", Percentage = new Percent { Value = 50 } };

        Assert.Null(FaultTranslator.Translate(new HttpFaultInjection { Delay = exponential, Abort = http2 }));
        Assert.Null(FaultTranslator.Translate(null));
        var abortOnly = FaultTranslator.Translate(new HttpFaultInjection { Delay = exponential, Abort = new() { HttpStatus = 503 } })!;
        Assert.Null(abortOnly.Delay);
        Assert.Equal(503u, abortOnly.Abort.HttpStatus);
        var delayOnly = FaultTranslator.Translate(new HttpFaultInjection { Delay = new() { FixedDelay = TimeSpan.FromSeconds(1) }, Abort = http2 })!;
        Assert.Null(delayOnly.Abort);
        Assert.Equal(TimeSpan.FromSeconds(1), delayOnly.Delay.FixedDelay.ToTimeSpan());
    }

    [Fact]
    public void A_gateway_route_carries_its_fault_too()
    {
        var mesh = MeshFixture.Bookinfo("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: bookinfo, namespace: bookinfo}
            spec:
              hosts: ["*"]
              gateways: [bookinfo-gateway]
              http:
              - match:
                - uri: {exact: /productpage}
                fault:
                  abort: {httpStatus: 503, percentage: {value: 50}}
                route:
                - destination: {host: productpage, port: {number: 9080}}
              - route:
                - destination: {host: productpage, port: {number: 9080}}
            """);
        var routes = Assert.Single(GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(), 8080).VirtualHosts).Routes;

        var fault = FaultOf(routes[0]);
        Assert.Equal(503u, fault.Abort.HttpStatus);
        AssertPercent(500_000, Denominator.Million, fault.Abort.Percentage);
        Assert.Empty(routes[1].TypedPerFilterConfig);
    }

    [Fact]
    public void Routes_without_a_fault_have_no_per_filter_config()
    {
        var mesh = MeshFixture.Bookinfo();
        var outbound = MeshRouteTranslator.Outbound(mesh, MeshFixture.Sidecar("productpage-v1-abc", "productpage", "v1"));
        Assert.All(outbound.VirtualHosts.SelectMany(v => v.Routes), r => Assert.Empty(r.TypedPerFilterConfig));
        var gateway = GatewayRouteTranslator.Build(mesh, MeshFixture.IngressGateway(), 8080);
        Assert.All(gateway.VirtualHosts.SelectMany(v => v.Routes), r => Assert.Empty(r.TypedPerFilterConfig));
    }

    [Fact]
    public void Every_http_connection_manager_runs_the_fault_filter_just_before_the_router()
    {
        var mesh = MeshFixture.Bookinfo();
        var proxyless = ProxyNode.From("grpc-client-1", new Dictionary<string, string> { ["NAMESPACE"] = "bookinfo" }, new Dictionary<string, string>());
        var listeners = new[] { MeshFixture.Sidecar("reviews-v1-abc", "reviews", "v1"), MeshFixture.IngressGateway(), proxyless }
            .SelectMany(node => ProxyConfigBuilder.Build(mesh, node).Listeners.Cast<Listener>()).ToList();

        Assert.Contains(listeners, l => l.Name == "virtualOutbound");
        Assert.Contains(listeners, l => l.Name == "virtualInbound");
        Assert.Contains(listeners, l => l.Name == ClusterNames.OutboundTunnel);
        Assert.Contains(listeners, l => l.ApiListener is not null);
        Assert.Contains(listeners, l => l.Name == ClusterNames.GatewayListener(8080));
        Assert.All(listeners, listener =>
        {
            var hcm = listener.ApiListener is { } api
                ? api.ApiListener_.Unpack<HttpConnectionManager>()
                : listener.FilterChains[0].Filters[0].TypedConfig.Unpack<HttpConnectionManager>();
            Assert.Equal(["envoy.filters.http.fault", "envoy.filters.http.router"], hcm.HttpFilters.Select(f => f.Name));
            // The listener-level config injects nothing: only routes with a fault do.
            Assert.Equal(new HTTPFault(), hcm.HttpFilters[0].TypedConfig.Unpack<HTTPFault>());
        });
    }
}
