using Trellis.Config.Model.Networking;
using Trellis.Config.Semantics;

namespace Trellis.Config.Tests.Semantics;

/// <summary>Egress hosts import services by namespace and FQDN as Istio documents: <c>*</c>, <c>.</c>, wildcards,
/// <c>~</c> exclusions, and the listener of a port deciding for that port.</summary>
public class SidecarEgressTests
{
    private const string Reviews = "reviews.bookinfo.svc.cluster.local";

    private static SidecarEgress Egress(params IstioEgressListener[] listeners) => SidecarEgress.Of(new SidecarSpec { Egress = listeners });

    private static IstioEgressListener Hosts(params string[] hosts) => new() { Hosts = hosts };

    [Theory]
    [InlineData("*/*", true)]
    [InlineData("./*", true)]
    [InlineData("bookinfo/*", true)]
    [InlineData("frontend/*", false)]
    [InlineData("*/reviews.bookinfo.svc.cluster.local", true)]
    [InlineData("./*.bookinfo.svc.cluster.local", true)]
    [InlineData("./*.svc.cluster.local", true)]
    [InlineData("./*.frontend.svc.cluster.local", false)]
    [InlineData("./reviews", false)]
    [InlineData("~/*", false)]
    public void One_host_entry(string host, bool imports) =>
        Assert.Equal(imports, Egress(Hosts(host)).Imports("bookinfo", Reviews, 9080, "bookinfo"));

    [Fact]
    public void Dot_is_the_sidecars_namespace_wherever_the_sidecar_is_written() =>
        Assert.False(Egress(Hosts("./*")).Imports("bookinfo", Reviews, 9080, "frontend"));

    [Fact]
    public void An_exclusion_subtracts_from_the_imports()
    {
        var egress = Egress(Hosts("*/*", "~bookinfo/*", "~/ledger.example.com"));

        Assert.False(egress.Imports("bookinfo", Reviews, 9080, "frontend"));
        Assert.False(egress.Imports("external", "ledger.example.com", 443, "frontend"));
        Assert.True(egress.Imports("frontend", "web.frontend.svc.cluster.local", 80, "frontend"));
    }

    [Fact]
    public void The_listener_for_a_port_decides_for_it_and_the_catch_all_for_the_rest()
    {
        var egress = Egress(new IstioEgressListener { Port = new SidecarPort { Number = 9080, Protocol = "HTTP" }, Hosts = ["./details.bookinfo.svc.cluster.local"] }, Hosts("*/*"));

        Assert.False(egress.Imports("bookinfo", Reviews, 9080, "bookinfo"));
        Assert.True(egress.Imports("bookinfo", "details.bookinfo.svc.cluster.local", 9080, "bookinfo"));
        Assert.True(egress.Imports("bookinfo", Reviews, 9090, "bookinfo"));
        Assert.False(Egress(new IstioEgressListener { Port = new SidecarPort { Number = 9080 }, Hosts = ["*/*"] }).Imports("bookinfo", Reviews, 9090, "bookinfo"));
    }

    [Fact]
    public void An_http_proxy_or_unix_socket_listener_is_no_catch_all_for_other_ports()
    {
        // As istiod's GetEgressListenerForRDS: only the listener without a port catches the ports nobody declares; an
        // HTTP_PROXY listener decides for its own port, a Unix socket listener (port 0) for none.
        var egress = Egress(
            new IstioEgressListener { Port = new SidecarPort { Number = 15080, Protocol = "HTTP_PROXY" }, Hosts = ["./details.bookinfo.svc.cluster.local"] },
            new IstioEgressListener { Port = new SidecarPort { Number = 0, Protocol = "HTTP" }, Bind = "unix:///var/run/app.sock", Hosts = ["*/ledger.example.com"] },
            Hosts("./reviews.bookinfo.svc.cluster.local"));

        Assert.True(egress.Imports("bookinfo", Reviews, 9080, "bookinfo"));
        Assert.False(egress.Imports("bookinfo", "details.bookinfo.svc.cluster.local", 9080, "bookinfo"));
        Assert.False(egress.Imports("external", "ledger.example.com", 9080, "bookinfo"));
        Assert.False(Egress(new IstioEgressListener { Port = new SidecarPort { Number = 15080, Protocol = "HTTP_PROXY" }, Hosts = ["*/*"] })
            .Imports("bookinfo", Reviews, 9080, "bookinfo"));
    }

    [Fact]
    public void A_sidecar_without_egress_imports_everything() =>
        Assert.Same(SidecarEgress.Everything, SidecarEgress.Of(new SidecarSpec { OutboundTrafficPolicy = new SidecarOutboundTrafficPolicy { Mode = "ALLOW_ANY" } }));

    [Fact]
    public void A_virtual_service_is_imported_when_a_host_overlaps_an_entry_for_its_namespace()
    {
        var listener = Egress(Hosts("bookinfo/*.example.com")).Listeners.Single();

        Assert.True(listener.ImportsVirtualService("bookinfo", ["*.example.com"], "frontend"));
        Assert.True(listener.ImportsVirtualService("bookinfo", ["api.example.com"], "frontend"));
        Assert.False(listener.ImportsVirtualService("other", ["api.example.com"], "frontend"));
    }
}
