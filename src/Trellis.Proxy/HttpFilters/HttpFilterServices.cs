using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters;

/// <summary>What the proxy gives filters when it builds a chain: the parts that live as long as the proxy.</summary>
internal sealed record HttpFilterServices(UpstreamForwarder Forwarder);
