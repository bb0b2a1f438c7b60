using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Listeners.ListenerFilters;
using static Trellis.Proxy.Tests.Support.Chains;

namespace Trellis.Proxy.Tests.Listeners.FilterChains;

/// <summary>Listeners Envoy would refuse are refused with the reason, naming the listener and the chain.</summary>
public sealed class FilterChainValidationTests
{
    private static string Refusal(Listener listener) => Assert.Throws<ConfigException>(() => ListenerCompiler.Compile(listener, new Trellis.Proxy.Secrets.SecretStore())).Message;

    [Fact]
    public void Two_chains_with_identical_matches_are_refused_with_envoys_message()
    {
        var message = Refusal(Listener(1, Chain("a", new FilterChainMatch { TransportProtocol = "tls" }), Chain("b", new FilterChainMatch { TransportProtocol = "tls" })));
        Assert.Equal("listener \"chains\": multiple filter chains with the same matching rules are defined (\"a\" and \"b\")", message);
    }

    [Fact]
    public void Chains_that_overlap_in_one_combination_are_refused_too()
    {
        var message = Refusal(Listener(1,
            Chain("a", new FilterChainMatch { ServerNames = { "a.example.com", "b.example.com" } }),
            Chain("b", new FilterChainMatch { ServerNames = { "b.example.com" } })));
        Assert.Contains("multiple filter chains with the same matching rules are defined", message);
        Assert.Contains("\"a\" and \"b\"", message);
    }

    [Fact]
    public void Two_chains_without_any_match_are_identical()
    {
        Assert.Contains("multiple filter chains with the same matching rules", Refusal(Listener(1, Chain("a"), Chain("b"))));
    }

    [Fact]
    public void An_unknown_transport_socket_is_refused_not_served_in_plaintext()
    {
        var chain = Chain("alts");
        chain.TransportSocket = new TransportSocket
        {
            Name = "envoy.transport_sockets.alts",
            TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts" },
        };
        Assert.Equal("listener \"chains\" filter chain \"alts\" transport_socket: envoy.transport_sockets.alts (type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts) " +
                     "is not supported (envoy.transport_sockets.raw_buffer, or envoy.transport_sockets.tls with a DownstreamTlsContext)", Refusal(Listener(1, chain)));
    }

    [Fact]
    public void An_explicit_raw_buffer_transport_socket_is_plaintext()
    {
        var chain = Chain("plain");
        chain.TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer" };
        Assert.NotNull(Compile(Listener(1, chain)).FixedChain);
    }

    [Fact]
    public void An_unknown_network_filter_is_refused_by_name_and_chain()
    {
        var chain = Chain("tcp");
        chain.Filters[0] = new Filter { Name = "envoy.filters.network.redis_proxy" };
        var message = Refusal(Listener(1, chain));
        Assert.StartsWith("listener \"chains\" filter chain \"tcp\": unsupported network filters [envoy.filters.network.redis_proxy]", message);
    }

    [Fact]
    public void An_unknown_listener_filter_is_refused_by_name()
    {
        var listener = Listener(1, Chain("a"));
        listener.ListenerFilters.Add(new ListenerFilter { Name = "envoy.filters.listener.proxy_protocol" });
        Assert.Equal("listener \"chains\": listener filter \"envoy.filters.listener.proxy_protocol\" is not supported by this proxy", Refusal(listener));
    }

    [Theory]
    [InlineData("*w.example.com")]
    [InlineData("www.*.com")]
    [InlineData("*")]
    public void A_partial_wildcard_server_name_is_refused(string name)
    {
        Assert.Contains("partial wildcards are not supported in \"server_names\"", Refusal(Listener(1, Chain("a", new FilterChainMatch { ServerNames = { name } }))));
    }

    [Fact]
    public void Ports_and_prefixes_out_of_range_are_refused()
    {
        Assert.Contains("destination_port 70000 is out of range", Refusal(Listener(1, Chain("a", new FilterChainMatch { DestinationPort = 70000 }))));
        Assert.Contains("source_ports 0 is out of range", Refusal(Listener(1, Chain("a", new FilterChainMatch { SourcePorts = { 0 } }))));
        Assert.Contains("prefix_len is longer than the address", Refusal(Listener(1, Chain("a", new FilterChainMatch { PrefixRanges = { Cidr("10.0.0.0", 33) } }))));
        Assert.Contains("is not an IP address", Refusal(Listener(1, Chain("a", new FilterChainMatch { SourcePrefixRanges = { Cidr("ten", 8) } }))));
    }

    [Fact]
    public void Chain_names_are_unique_and_a_nameless_chain_is_named_by_its_place()
    {
        Assert.Contains("two filter chains are named \"a\"", Refusal(Listener(1, Chain("a"), Chain("a", new FilterChainMatch { DestinationPort = 2 }))));
        var listener = Compile(Listener(1, Chain(""), Chain("", new FilterChainMatch { DestinationPort = 2 })));
        Assert.Equal(new[] { "filter_chains[0]", "filter_chains[1]" }, listener.FilterChains.Chains.Select(c => c.Name));
    }

    [Fact]
    public void A_listener_without_chains_is_refused()
    {
        Assert.Equal("listener \"chains\": no filter chains specified", Refusal(Listener(1)));
    }

    [Fact]
    public void A_chain_that_matches_on_tls_facts_gets_tls_inspector_even_when_the_listener_lacks_it()
    {
        // As Envoy injects it: without it, no connection could ever match such a chain.
        var listener = Compile(Listener(1, Chain("sni", new FilterChainMatch { ServerNames = { "a.example.com" } }), Chain("rest")));
        Assert.Equal(new IListenerFilter[] { TlsInspector.Instance }, listener.ListenerFilters.Filters);
        var byHttp = Compile(Listener(1, Chain("h2c", new FilterChainMatch { TransportProtocol = "raw_buffer", ApplicationProtocols = { "h2c" } }), Chain("rest")));
        Assert.Empty(byHttp.ListenerFilters.Filters);
    }

    [Fact]
    public void Listener_filters_keep_their_order_and_timeout()
    {
        var listener = Listener(1, Chain("a"));
        listener.ListenerFilters.Add(HttpInspectorFilter());
        listener.ListenerFilters.Add(TlsInspectorFilter());
        listener.ListenerFiltersTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2));
        listener.ContinueOnListenerFiltersTimeout = true;
        var compiled = Compile(listener);
        Assert.Equal(new IListenerFilter[] { HttpInspector.Instance, TlsInspector.Instance }, compiled.ListenerFilters.Filters);
        Assert.Equal(TimeSpan.FromSeconds(2), compiled.ListenerFilters.Timeout);
        Assert.True(compiled.ListenerFilters.ContinueOnTimeout);

        listener.ListenerFiltersTimeout = new Duration();
        Assert.Equal(Timeout.InfiniteTimeSpan, Compile(listener).ListenerFilters.Timeout);
    }

    [Fact]
    public void Tls_inspector_options_this_proxy_cannot_honour_are_refused()
    {
        var listener = Listener(1, Chain("a"));
        listener.ListenerFilters.Add(new ListenerFilter
        {
            Name = "envoy.filters.listener.tls_inspector",
            TypedConfig = Any.Pack(new global::Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector { EnableJa3Fingerprinting = true }),
        });
        Assert.Contains("enable_ja3_fingerprinting is not supported", Refusal(listener));
    }
}
