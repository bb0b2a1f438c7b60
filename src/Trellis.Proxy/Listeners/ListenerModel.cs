using Envoy.Config.Core.V3;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Listeners;

/// <summary>A listener the proxy binds: its socket and the HTTP connection manager behind it.</summary>
internal sealed record ListenerModel(string Name, string Address, int Port, TrafficDirection Direction, HttpConnectionManagerModel Hcm)
{
    /// <summary>What must change for the socket to be re-bound.</summary>
    public string BindKey => $"{Address}:{Port}";
}

/// <summary>The HCM settings the request path needs: where routes come from and which HTTP filters run.</summary>
internal sealed record HttpConnectionManagerModel(string StatPrefix, string? RdsName, RouteTable? InlineRoutes, IReadOnlyList<string> HttpFilters, bool GenerateRequestId);
