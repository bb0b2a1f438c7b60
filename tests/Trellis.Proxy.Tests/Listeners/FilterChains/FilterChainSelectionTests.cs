using System.Net;
using Envoy.Config.Listener.V3;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.FilterChains;
using static Trellis.Proxy.Tests.Support.Chains;
using SourceType = Envoy.Config.Listener.V3.FilterChainMatch.Types.ConnectionSourceType;

namespace Trellis.Proxy.Tests.Listeners.FilterChains;

/// <summary>A connection gets the filter chain Envoy would give it: every criterion must hold, the most specific
/// match wins at each step, the steps go in Envoy's order and never reconsider a chain an earlier step dropped.</summary>
public sealed class FilterChainSelectionTests
{
    private const int ListenerPort = 15001;

    private static ConnectionFacts Facts(string local = "10.0.0.1", int localPort = ListenerPort, string remote = "10.9.9.9", int remotePort = 40000,
        string transport = ConnectionFacts.RawBuffer, string sni = "", params string[] alpn) =>
        new(new IPEndPoint(IPAddress.Parse(local), localPort), new IPEndPoint(IPAddress.Parse(remote), remotePort))
        {
            TransportProtocol = transport,
            ServerName = sni,
            ApplicationProtocols = alpn,
        };

    private static string? Selected(ListenerModel listener, ConnectionFacts facts) => listener.FilterChains.Select(facts)?.Name;

    private static ListenerModel Listener(params FilterChain[] chains) => Compile(Support.Chains.Listener(ListenerPort, chains));

    [Fact]
    public void The_exact_destination_port_beats_a_chain_without_one_and_a_wrong_port_never_matches()
    {
        var listener = Listener(Chain("any"), Chain("mine", new FilterChainMatch { DestinationPort = ListenerPort }), Chain("other", new FilterChainMatch { DestinationPort = 9 }));
        Assert.Equal("mine", Selected(listener, Facts()));
        Assert.Equal("any", Selected(listener, Facts(localPort: 8080)));
        Assert.Equal("other", Selected(listener, Facts(localPort: 9)));
    }

    [Fact]
    public void The_longest_destination_prefix_wins()
    {
        var listener = Listener(
            Chain("wide", new FilterChainMatch { PrefixRanges = { Cidr("10.0.0.0", 8) } }),
            Chain("narrow", new FilterChainMatch { PrefixRanges = { Cidr("10.0.0.0", 24), Cidr("192.168.0.0", 16) } }),
            Chain("any"));
        Assert.Equal("narrow", Selected(listener, Facts(local: "10.0.0.7")));
        Assert.Equal("wide", Selected(listener, Facts(local: "10.1.0.7")));
        Assert.Equal("narrow", Selected(listener, Facts(local: "192.168.3.4")));
        Assert.Equal("any", Selected(listener, Facts(local: "127.0.0.1")));
    }

    [Fact]
    public void An_exact_server_name_beats_the_longest_wildcard_which_beats_a_shorter_one()
    {
        var listener = Listener(
            Chain("exact", new FilterChainMatch { ServerNames = { "www.example.com" } }),
            Chain("sub", new FilterChainMatch { ServerNames = { "*.example.com" } }),
            Chain("tld", new FilterChainMatch { ServerNames = { "*.com" } }),
            Chain("none"));
        Assert.Equal("exact", Selected(listener, Facts(sni: "www.example.com")));
        Assert.Equal("sub", Selected(listener, Facts(sni: "api.example.com")));
        Assert.Equal("sub", Selected(listener, Facts(sni: "a.b.example.com")));
        Assert.Equal("tld", Selected(listener, Facts(sni: "example.com")));
        Assert.Equal("none", Selected(listener, Facts(sni: "example.org")));
        Assert.Equal("none", Selected(listener, Facts()));
    }

    [Fact]
    public void Transport_protocol_tls_or_raw_buffer_picks_its_chain()
    {
        var listener = Listener(Chain("tls", new FilterChainMatch { TransportProtocol = "tls" }), Chain("plain", new FilterChainMatch { TransportProtocol = "raw_buffer" }));
        Assert.Equal("tls", Selected(listener, Facts(transport: "tls")));
        Assert.Equal("plain", Selected(listener, Facts()));
    }

    [Fact]
    public void The_clients_first_application_protocol_that_a_chain_names_wins()
    {
        var listener = Listener(
            Chain("h2", new FilterChainMatch { ApplicationProtocols = { "h2" } }),
            Chain("http1", new FilterChainMatch { ApplicationProtocols = { "http/1.1", "http/1.0" } }),
            Chain("other"));
        Assert.Equal("h2", Selected(listener, Facts(alpn: ["h2", "http/1.1"])));
        Assert.Equal("http1", Selected(listener, Facts(alpn: ["http/1.1", "h2"])));
        Assert.Equal("http1", Selected(listener, Facts(alpn: ["istio", "http/1.0"])));
        Assert.Equal("other", Selected(listener, Facts(alpn: ["istio"])));
        Assert.Equal("other", Selected(listener, Facts()));
    }

    [Fact]
    public void Source_type_source_prefix_and_source_port_each_narrow_the_choice()
    {
        var byType = Listener(
            Chain("local", new FilterChainMatch { SourceType = SourceType.SameIpOrLoopback }),
            Chain("external", new FilterChainMatch { SourceType = SourceType.External }));
        Assert.Equal("local", Selected(byType, Facts(remote: "127.0.0.5")));
        Assert.Equal("local", Selected(byType, Facts(remote: "10.0.0.1")));
        Assert.Equal("external", Selected(byType, Facts(remote: "10.0.0.2")));

        var bySource = Listener(
            Chain("subnet", new FilterChainMatch { SourcePrefixRanges = { Cidr("10.9.0.0", 16) } }),
            Chain("port", new FilterChainMatch { SourcePrefixRanges = { Cidr("10.9.0.0", 16) }, SourcePorts = { 40000 } }),
            Chain("direct", new FilterChainMatch { DirectSourcePrefixRanges = { Cidr("172.16.0.0", 12) } }),
            Chain("any"));
        Assert.Equal("port", Selected(bySource, Facts(remote: "10.9.1.1", remotePort: 40000)));
        Assert.Equal("subnet", Selected(bySource, Facts(remote: "10.9.1.1", remotePort: 40001)));
        Assert.Equal("direct", Selected(bySource, Facts(remote: "172.16.4.4")));
        Assert.Equal("any", Selected(bySource, Facts(remote: "8.8.8.8")));
    }

    [Fact]
    public void An_earlier_criterion_decides_before_a_later_one_and_is_never_revisited()
    {
        // Envoy's order: the server name step keeps only "named" for www.example.com, so the transport protocol
        // it requires is checked against that chain alone: a plaintext connection matches nothing.
        var listener = Listener(
            Chain("named", new FilterChainMatch { ServerNames = { "www.example.com" }, TransportProtocol = "tls" }),
            Chain("plain", new FilterChainMatch { TransportProtocol = "raw_buffer" }));
        Assert.Equal("named", Selected(listener, Facts(transport: "tls", sni: "www.example.com")));
        Assert.Null(Selected(listener, Facts(sni: "www.example.com")));
        Assert.Equal("plain", Selected(listener, Facts(sni: "other.example.com")));

        // The destination port comes before the server name.
        var byPort = Listener(
            Chain("port", new FilterChainMatch { DestinationPort = ListenerPort }),
            Chain("name", new FilterChainMatch { ServerNames = { "www.example.com" } }));
        Assert.Equal("port", Selected(byPort, Facts(sni: "www.example.com")));
    }

    [Fact]
    public void A_connection_no_chain_matches_gets_the_default_chain_or_none()
    {
        var strict = Listener(Chain("tls", new FilterChainMatch { TransportProtocol = "tls" }));
        Assert.Null(Selected(strict, Facts()));

        var withDefault = Support.Chains.Listener(ListenerPort, Chain("tls", new FilterChainMatch { TransportProtocol = "tls" }));
        withDefault.DefaultFilterChain = Chain("");
        var compiled = Compile(withDefault);
        Assert.Equal("default_filter_chain", Selected(compiled, Facts()));
        Assert.Equal("tls", Selected(compiled, Facts(transport: "tls")));
    }

    [Fact]
    public void A_connection_into_an_internal_listener_has_no_address_to_match()
    {
        var listener = Listener(Chain("port", new FilterChainMatch { DestinationPort = ListenerPort }), Chain("any"));
        Assert.Equal("any", Selected(listener, new ConnectionFacts(null, null)));
    }

    [Fact]
    public void One_chain_that_matches_everything_needs_no_selection_but_a_narrower_one_does()
    {
        Assert.NotNull(Listener(Chain("only")).FixedChain);
        Assert.Null(Listener(Chain("only", new FilterChainMatch { DestinationPort = 9 })).FixedChain);
        Assert.Null(Listener(Chain("a"), Chain("b", new FilterChainMatch { TransportProtocol = "tls" })).FixedChain);
        var inspected = Support.Chains.Listener(ListenerPort, Chain("only"));
        inspected.ListenerFilters.Add(HttpInspectorFilter());
        Assert.Null(Compile(inspected).FixedChain);
    }
}
