using Envoy.Config.Core.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Xds.Server;

namespace Trellis.Xds.Tests;

/// <summary>What the server learns from the Node of a stream's first request.</summary>
public sealed class NodeInfoTests
{
    [Theory]
    [InlineData("sidecar~10.1.2.3~reviews-v2-5d8f.bookinfo~bookinfo.svc.cluster.local", "sidecar", "10.1.2.3", "reviews-v2-5d8f", "bookinfo", "bookinfo.svc.cluster.local")]
    [InlineData("router~127.0.0.1~istio-ingressgateway-1.istio-system~istio-system.svc.cluster.local", "router", "127.0.0.1", "istio-ingressgateway-1", "istio-system", "istio-system.svc.cluster.local")]
    [InlineData("sidecar~::1~web.v1.default~default.svc.cluster.local", "sidecar", "::1", "web.v1", "default", "default.svc.cluster.local")]
    public void Istio_node_ids_split_into_type_ip_pod_namespace_and_domain(string id, string type, string ip, string pod, string ns, string domain)
    {
        var parsed = IstioNodeId.TryParse(id);

        Assert.Equal(new IstioNodeId(type, ip, pod, ns, domain), parsed);
        Assert.Equal(id, parsed!.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("proxy-1")]
    [InlineData("gateway~10.0.0.1~a.b~b.svc.cluster.local")]
    [InlineData("sidecar~10.0.0.1~nonamespace~b.svc.cluster.local")]
    [InlineData("sidecar~10.0.0.1~pod.~b.svc.cluster.local")]
    [InlineData("sidecar~~pod.ns~ns.svc.cluster.local")]
    [InlineData("sidecar~10.0.0.1~pod.ns")]
    [InlineData("sidecar~10.0.0.1~pod.ns~ns.svc~extra")]
    public void Other_ids_are_not_istio_ids(string id) => Assert.Null(IstioNodeId.TryParse(id));

    [Fact]
    public void Metadata_is_flattened_to_strings_with_labels_apart()
    {
        var metadata = Struct.Parser.ParseJson("""
            {"NAMESPACE":"bookinfo","SERVICE_ACCOUNT":"bookinfo-reviews","MESH_ID":1.5,"INTERCEPTION_MODE_SET":true,
             "LABELS":{"app":"reviews","version":"v2"},"PORTS":[9080,15090],"EMPTY":null}
            """);
        var node = new Node
        {
            Id = "sidecar~10.1.2.3~reviews-v2-5d8f.bookinfo~bookinfo.svc.cluster.local",
            Cluster = "reviews.bookinfo",
            UserAgentName = "envoy",
            UserAgentVersion = "1.31.0",
            Metadata = metadata,
        };

        var info = NodeInfo.From(node);

        Assert.Equal("reviews.bookinfo", info.Cluster);
        Assert.Equal("envoy 1.31.0", info.UserAgent);
        Assert.Equal("bookinfo", info.Metadata["NAMESPACE"]);
        Assert.Equal("1.5", info.Metadata["MESH_ID"]);
        Assert.Equal("true", info.Metadata["INTERCEPTION_MODE_SET"]);
        Assert.False(info.Metadata.ContainsKey("LABELS"));
        Assert.Equal("[ 9080, 15090 ]", info.Metadata["PORTS"]);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2" }, info.Labels);
        Assert.Equal("bookinfo", info.IstioId!.Namespace);
    }

    [Fact]
    public void A_node_without_metadata_has_empty_maps()
    {
        var info = NodeInfo.From(new Node { Id = "proxy-1" });

        Assert.Empty(info.Metadata);
        Assert.Empty(info.Labels);
        Assert.Null(info.IstioId);
        Assert.Equal("", info.UserAgent);
    }
}
