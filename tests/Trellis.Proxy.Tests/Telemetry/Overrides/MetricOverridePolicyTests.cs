using Trellis.Proxy.Telemetry.Overrides;
using Trellis.Stats.V1;

namespace Trellis.Proxy.Tests.Telemetry.Overrides;

/// <summary>What a policy tells the request path before any metric is looked at: that requests or tunnels have nothing
/// to record, or that requests are recorded exactly as without overrides (so they keep the cached series).</summary>
public class MetricOverridePolicyTests
{
    private static MetricOverridePolicy Compile(params MetricOverride[] overrides) =>
        MetricOverridePolicy.Compile(new StatsConfig { Overrides = { overrides } }, "test");

    [Fact]
    public void All_metrics_disabled_turns_requests_and_tunnels_off()
    {
        var policy = Compile(new MetricOverride { Metric = "ALL_METRICS", Disabled = true });

        Assert.True(policy.RequestMetricsOff);
        Assert.True(policy.TcpMetricsOff);
        Assert.False(policy.RequestMetricsUnchanged);
    }

    [Fact]
    public void A_later_override_turning_one_metric_back_on_leaves_requests_to_record()
    {
        var policy = Compile(
            new MetricOverride { Metric = "ALL_METRICS", Disabled = true },
            new MetricOverride { Metric = "REQUEST_DURATION", Disabled = false });

        Assert.False(policy.RequestMetricsOff);
        Assert.True(policy.TcpMetricsOff);
        Assert.False(policy.RequestMetricsUnchanged);
    }

    [Fact]
    public void Overrides_of_tcp_metrics_only_leave_requests_unchanged()
    {
        var policy = Compile(
            new MetricOverride { Metric = "TCP_OPENED_CONNECTIONS", Disabled = true },
            new MetricOverride { Metric = "TCP_SENT_BYTES", Tags = { ["destination_port"] = new TagOverride { Remove = true } } });

        Assert.True(policy.RequestMetricsUnchanged);
        Assert.False(policy.RequestMetricsOff);
        Assert.False(policy.TcpMetricsOff);
    }

    [Fact]
    public void A_relabelled_request_metric_is_a_change()
    {
        var policy = Compile(new MetricOverride { Metric = "REQUEST_COUNT", Tags = { ["request_protocol"] = new TagOverride { Remove = true } } });

        Assert.False(policy.RequestMetricsUnchanged);
        Assert.False(policy.RequestMetricsOff);
    }
}
