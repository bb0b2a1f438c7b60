using CsCheck;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Outbound.Endpoint;
using Trellis.Proxy.Tests.Support;
using Trellis.Proxy.Xds;
using Trellis.Xds;
using Trellis.Xds.Client;
using static Trellis.Proxy.Tests.Support.Envoy;

namespace Trellis.Proxy.Tests.Xds;

/// <summary>Whatever a control plane sends, as bytes or as field values, the proxy accepts it or NACKs it with a
/// message, and keeps serving its last good configuration: no other exception, no hang.</summary>
public sealed class XdsDecodingFuzzTests : IAsyncLifetime
{
    private const string Reviews = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    private TestProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        // Everything but listeners, so that accepting a fuzzed cluster or route never binds a socket.
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.Cluster, Seeds.Cluster()));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.ClusterLoadAssignment, Seeds.Endpoints()));
        Assert.Null(await _proxy.ApplyAsync(TypeUrls.RouteConfiguration, Seeds.Routes()));
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    public static TheoryData<string> Types => [TypeUrls.Cluster, TypeUrls.ClusterLoadAssignment, TypeUrls.RouteConfiguration, TypeUrls.Listener];

    [Theory]
    [MemberData(nameof(Types))]
    public void Mutated_bytes_decode_to_a_resource_that_is_accepted_or_nacked(string typeUrl)
    {
        var parser = Seeds.Of(typeUrl).Descriptor.Parser;
        Fuzz.Check(ProtoMutator.Bytes(Seeds.Of(typeUrl)), bytes =>
        {
            // What does not decode, the ADS client NACKs with the decoder's reason.
            if (!ResourceDecoder.TryDecode(parser, ByteString.CopyFrom(bytes), out var message, out var error))
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
                return;
            }
            Offer(typeUrl, message!);
        }, iterations: 400, shared: true);
    }

    [Fact]
    public void Clusters_with_any_field_values_are_accepted_or_nacked() => Fuzz.Check(ProtoMutator.Fields(Seeds.Cluster()), c => Offer(TypeUrls.Cluster, c), iterations: 400, shared: true);

    [Fact]
    public void Endpoints_with_any_field_values_are_accepted_or_nacked() =>
        Fuzz.Check(ProtoMutator.Fields(Seeds.Endpoints()), e => Offer(TypeUrls.ClusterLoadAssignment, e), iterations: 400, shared: true);

    [Fact]
    public void Routes_with_any_field_values_are_accepted_or_nacked() => Fuzz.Check(ProtoMutator.Fields(Seeds.Routes()), r => Offer(TypeUrls.RouteConfiguration, r), iterations: 400, shared: true);

    [Fact]
    public void Listeners_with_any_field_values_are_accepted_or_nacked() => Fuzz.Check(ProtoMutator.Fields(Seeds.Listener()), l => Offer(TypeUrls.Listener, l), iterations: 400, shared: true);

    /// <summary>Listeners go through the snapshot compiler alone (accepting one would bind its socket); everything
    /// else through the handler the ADS client calls, which must answer null or a reason and keep the last good snapshot.</summary>
    private void Offer(string typeUrl, IMessage message)
    {
        if (typeUrl == TypeUrls.Listener)
        {
            using var clusters = new ClusterRegistry(new UpstreamHttpClients(new EndpointDialer(new OwnSockets()), TimeSpan.FromSeconds(1)),
                ClusterRegistry.ConnectionOverflowCounter());
            try
            {
                new SnapshotCompiler(clusters, new Trellis.Proxy.Secrets.SecretStore()).Compile(AcceptedResources.Empty.With(typeUrl, "fuzz", [message], DateTimeOffset.UnixEpoch), ProxySnapshot.Empty);
            }
            catch (ConfigException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
            return;
        }
        var before = _proxy.Runtime.Snapshots.Current;
        var error = _proxy.ApplyAsync(typeUrl, message).GetAwaiter().GetResult();
        if (error is not null)
        {
            Assert.False(string.IsNullOrWhiteSpace(error));
            Assert.Same(before, _proxy.Runtime.Snapshots.Current);
        }
        // Back to the seed, so every input is judged against the same good state.
        Assert.Null(_proxy.ApplyAsync(typeUrl, Seeds.Of(typeUrl)).GetAwaiter().GetResult());
    }

    /// <summary>Valid resources that use every field the proxy reads, for the mutators to start from.</summary>
    private static class Seeds
    {
        public static IMessage Of(string typeUrl) => typeUrl switch
        {
            TypeUrls.Cluster => Cluster(),
            TypeUrls.ClusterLoadAssignment => Endpoints(),
            TypeUrls.RouteConfiguration => Routes(),
            _ => Listener(),
        };

        public static Cluster Cluster()
        {
            var c = Eds(Reviews, serviceHost: "reviews.bookinfo.svc.cluster.local");
            c.LbPolicy = global::Envoy.Config.Cluster.V3.Cluster.Types.LbPolicy.RingHash;
            c.RingHashLbConfig = new global::Envoy.Config.Cluster.V3.Cluster.Types.RingHashLbConfig { MinimumRingSize = 64, MaximumRingSize = 1024 };
            c.MaglevLbConfig = new global::Envoy.Config.Cluster.V3.Cluster.Types.MaglevLbConfig { TableSize = 65537 };
            c.CircuitBreakers = new CircuitBreakers
            {
                Thresholds = { new CircuitBreakers.Types.Thresholds { MaxConnections = 10, MaxPendingRequests = 10, MaxRequests = 10, MaxRetries = 2 } },
            };
            c.OutlierDetection = new OutlierDetection
            {
                Consecutive5Xx = 3,
                Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
                BaseEjectionTime = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
                MaxEjectionPercent = 50,
            };
            c.CommonLbConfig = new global::Envoy.Config.Cluster.V3.Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new global::Envoy.Type.V3.Percent { Value = 50 } };
            return c;
        }

        public static ClusterLoadAssignment Endpoints()
        {
            var e = EndpointsWith(Reviews, (9080, "reviews-v1;bookinfo;reviews;v1;Kubernetes"), (9081, null));
            e.Endpoints[0].LbEndpoints[0].LoadBalancingWeight = 3;
            e.Endpoints[0].LbEndpoints.Add(new LbEndpoint
            {
                Endpoint = new Endpoint { Address = new Address { EnvoyInternalAddress = new EnvoyInternalAddress { ServerListenerName = "tunnel" } } },
            });
            return e;
        }

        public static RouteConfiguration Routes()
        {
            var retry = new RetryPolicy { RetryOn = "5xx,connect-failure,retriable-status-codes", NumRetries = 2, PerTryTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), RetriableStatusCodes = { 503 } };
            var hashed = ToCluster(Reviews, "/hashed", "hashed");
            hashed.Route_.HashPolicy.Add(new RouteAction.Types.HashPolicy { Header = new RouteAction.Types.HashPolicy.Types.Header { HeaderName = "x-user" } });
            hashed.Route_.HashPolicy.Add(new RouteAction.Types.HashPolicy { Cookie = new RouteAction.Types.HashPolicy.Types.Cookie { Name = "user", Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) } });
            hashed.Route_.HashPolicy.Add(new RouteAction.Types.HashPolicy { QueryParameter = new RouteAction.Types.HashPolicy.Types.QueryParameter { Name = "u" } });
            hashed.Route_.RetryPolicy = retry;
            hashed.Route_.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5));
            var regex = new Route
            {
                Name = "regex",
                Match = new RouteMatch
                {
                    SafeRegex = new RegexMatcher { Regex = "/r/[a-z]+" },
                    Headers = { new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { SafeRegex = new RegexMatcher { Regex = "j.*" } } } },
                    QueryParameters = { new QueryParameterMatcher { Name = "q", StringMatch = new StringMatcher { Exact = "1" } } },
                },
                Route_ = new RouteAction
                {
                    WeightedClusters = new WeightedCluster { Clusters = { new WeightedCluster.Types.ClusterWeight { Name = Reviews, Weight = 90 }, new WeightedCluster.Types.ClusterWeight { Name = "other", Weight = 10 } } },
                    RegexRewrite = new RegexMatchAndSubstitute { Pattern = new RegexMatcher { Regex = "^/r/(.*)$" }, Substitution = "/\\1" },
                },
                RequestHeadersToAdd = { new HeaderValueOption { Header = new HeaderValue { Key = "x-added", Value = "1" } } },
            };
            var redirect = new Route { Name = "redirect", Match = new RouteMatch { Path = "/old" }, Redirect = new RedirectAction { PathRedirect = "/new", ResponseCode = RedirectAction.Types.RedirectResponseCode.Found } };
            var direct = new Route { Name = "direct", Match = new RouteMatch { PathSeparatedPrefix = "/health" }, DirectResponse = new DirectResponseAction { Status = 200, Body = new DataSource { InlineString = "ok" } } };
            var fault = new HTTPFault
            {
                Delay = new global::Envoy.Extensions.Filters.Common.Fault.V3.FaultDelay { FixedDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(1)), Percentage = new global::Envoy.Type.V3.FractionalPercent { Numerator = 1 } },
                Abort = new FaultAbort { HttpStatus = 503, Percentage = new global::Envoy.Type.V3.FractionalPercent { Numerator = 1 } },
            };
            var faulty = ToCluster(Reviews, "/faulty", "faulty");
            faulty.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(fault);
            direct.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(new FilterConfig { Disabled = true });
            var host = Host("reviews", ["reviews", "reviews:9080"], hashed, regex, redirect, direct, faulty, ConnectTo(Reviews, terminate: true), ToCluster(Reviews));
            host.RetryPolicy = retry;
            host.TypedPerFilterConfig["envoy.filters.http.fault"] = Any.Pack(new FilterConfig { Config = Any.Pack(fault), IsOptional = true });
            return global::Trellis.Proxy.Tests.Support.Envoy.Routes("outbound", host);
        }

        public static Listener Listener() => global::Trellis.Proxy.Tests.Support.Envoy.Listener("virtualOutbound", 15001, "outbound", connect: true);
    }
}
