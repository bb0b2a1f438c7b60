using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Clusters;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Tests.Clusters;

/// <summary>The passthrough cluster's reserved ports arrive grouped by what they are, as port ranges; a list the proxy
/// cannot read is refused with the field and the part that is wrong, never taken as "nothing reserved".</summary>
public sealed class ReservedDestinationsTests
{
    private static Metadata Reserved(params (string What, Value Ports)[] groups)
    {
        var ports = new Struct();
        foreach (var (what, listed) in groups) ports.Fields[what] = listed;
        return new Metadata { FilterMetadata = { ["trellis.passthrough"] = new Struct { Fields = { ["reserved_port_ranges"] = Value.ForStruct(ports) } } } };
    }

    [Fact]
    public void Ports_of_every_group_are_reserved_and_an_unchanged_set_keeps_its_key()
    {
        var reserved = ReservedDestinations.From(Reserved(("a proxy's admin port", Value.ForString("15000-15002")), ("the control plane's xDS port", Value.ForString("15010"))), "cluster PassthroughCluster");

        Assert.Equal("15000-15002,15010", reserved.Key);
        Assert.Equal(reserved.Key, ReservedDestinations.From(Reserved(("the control plane's xDS port", Value.ForString("15010")), ("a proxy's admin port", Value.ForString("15000-15002"))), "c").Key);
    }

    [Fact]
    public void A_range_that_is_not_one_is_refused_with_the_field_and_the_range()
    {
        var error = Assert.Throws<ConfigException>(() =>
            ReservedDestinations.From(Reserved(("a proxy's admin port", Value.ForString("15000-15002,15009-15001"))), "cluster PassthroughCluster"));

        Assert.Contains("cluster PassthroughCluster: metadata trellis.passthrough.reserved_port_ranges[\"a proxy's admin port\"]", error.Message);
        Assert.Contains("\"15009-15001\" is not a port", error.Message);
    }

    [Fact]
    public void Ports_that_are_not_a_string_of_ranges_are_refused()
    {
        var error = Assert.Throws<ConfigException>(() => ReservedDestinations.From(Reserved(("a proxy's admin port", Value.ForNumber(15000))), "c"));

        Assert.Contains("must list ports as ranges", error.Message);
    }
}
