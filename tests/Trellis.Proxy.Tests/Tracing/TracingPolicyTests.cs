using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Extensions.RequestId.Uuid.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Tracing;
using Hcm = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager;

namespace Trellis.Proxy.Tests.Tracing;

/// <summary>Random sampling as Envoy decides it: by the x-request-id (its first eight hex digits modulo 10000 against the
/// rate in ten-thousandths), so every proxy on a request's path makes the same decision; at random when the UUID
/// request-id extension says not to use the id.</summary>
public sealed class TracingPolicyTests
{
    private static TracingPolicy Policy(double percent, RequestIDExtension? requestIds = null) => TracingPolicy.Compile("hcm", new Hcm.Types.Tracing
    {
        RandomSampling = new global::Envoy.Type.V3.Percent { Value = percent },
        Provider = new global::Envoy.Config.Trace.V3.Tracing.Types.Http
        {
            Name = "envoy.tracers.zipkin",
            TypedConfig = Any.Pack(new global::Envoy.Config.Trace.V3.ZipkinConfig { CollectorCluster = "zipkin", CollectorEndpointVersion = global::Envoy.Config.Trace.V3.ZipkinConfig.Types.CollectorEndpointVersion.HttpJson }),
        },
    }, requestIds)!;

    [Theory]
    [InlineData("00000095-0000-4000-8000-000000000000", true)] // 149 < 150, the rate of 1.5% in ten-thousandths
    [InlineData("00000096-0000-4000-8000-000000000000", false)] // 150
    [InlineData("0000278f-0000-4000-8000-000000000000", true)] // 10127 % 10000 = 127
    [InlineData("00002805-0000-4000-8000-000000000000", false)] // 10245 % 10000 = 245
    [InlineData("not-a-uuid", false)]
    [InlineData("", false)]
    public void The_decision_is_the_request_ids_leading_hex_digits_modulo_ten_thousand(string requestId, bool sampled)
    {
        var policy = Policy(1.5);
        Assert.Equal(sampled, policy.Samples(requestId));
    }

    [Fact]
    public void Every_proxy_makes_the_same_decision_for_the_same_request_id()
    {
        var client = Policy(10);
        var server = Policy(10);
        for (var i = 0; i < 1000; i++)
        {
            var id = Guid.NewGuid().ToString();
            Assert.Equal(client.Samples(id), server.Samples(id));
        }
    }

    [Fact]
    public void Zero_and_a_hundred_percent_ignore_the_request_id()
    {
        Assert.False(Policy(0).Samples("00000000-0000-4000-8000-000000000000"));
        Assert.True(Policy(100).Samples("not-a-uuid"));
    }

    [Fact]
    public void Without_the_request_id_sampling_is_random_at_the_configured_rate()
    {
        var policy = Policy(50, new RequestIDExtension { TypedConfig = Any.Pack(new UuidRequestIdConfig { UseRequestIdForTraceSampling = false }) });
        var sampled = Enumerable.Range(0, 4000).Count(_ => policy.Samples("00000000-0000-4000-8000-000000000000"));
        Assert.InRange(sampled, 1600, 2400);
    }

    [Fact]
    public void An_unknown_request_id_extension_is_rejected()
    {
        var error = Assert.Throws<ConfigException>(() => Policy(1, new RequestIDExtension { TypedConfig = Any.Pack(new Empty()) }));
        Assert.Contains("request_id_extension", error.Message);
    }
}
