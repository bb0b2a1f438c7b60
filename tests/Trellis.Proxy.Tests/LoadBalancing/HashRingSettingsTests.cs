using Envoy.Config.Cluster.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.LoadBalancing;

namespace Trellis.Proxy.Tests.LoadBalancing;

public sealed class HashRingSettingsTests
{
    [Fact]
    public void Clusters_without_settings_get_envoys_defaults() =>
        Assert.Same(HashRingSettings.Default, HashRingSettings.From(new Cluster { Name = "c" }, "cluster \"c\""));

    [Fact]
    public void Settings_reach_the_balancer()
    {
        var settings = HashRingSettings.From(new Cluster
        {
            Name = "c",
            RingHashLbConfig = new Cluster.Types.RingHashLbConfig { MinimumRingSize = 4096 },
        }, "cluster \"c\"");
        Assert.Equal(4096UL, settings.MinimumRingSize);
        Assert.Equal(65537UL, settings.MaglevTableSize);
        Assert.Equal(1009UL, HashRingSettings.From(new Cluster { Name = "m", MaglevLbConfig = new Cluster.Types.MaglevLbConfig { TableSize = 1009 } }, "m").MaglevTableSize);
    }

    [Theory]
    [InlineData(65536UL, "must be a prime number")]
    [InlineData(5_000_077UL, "must be a prime number no greater than 5000011")]
    public void A_maglev_table_envoy_would_refuse_is_nacked(ulong size, string reason)
    {
        var error = Assert.Throws<ConfigException>(() => HashRingSettings.From(
            new Cluster { Name = "m", MaglevLbConfig = new Cluster.Types.MaglevLbConfig { TableSize = size } }, "cluster \"m\""));
        Assert.Contains("cluster \"m\": maglev_lb_config.table_size", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_ring_larger_than_its_maximum_is_nacked()
    {
        var error = Assert.Throws<ConfigException>(() => HashRingSettings.From(new Cluster
        {
            Name = "r",
            RingHashLbConfig = new Cluster.Types.RingHashLbConfig { MinimumRingSize = 4096, MaximumRingSize = 1024 },
        }, "cluster \"r\""));
        Assert.Contains("minimum_ring_size 4096 is greater than maximum_ring_size 1024", error.Message);
    }
}
