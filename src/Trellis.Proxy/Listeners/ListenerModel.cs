using Envoy.Config.Core.V3;

namespace Trellis.Proxy.Listeners;

/// <summary>A listener the proxy runs: its socket (none for an internal listener, which only takes
/// connections the proxy hands it, such as terminated CONNECT tunnels) and the HTTP connection manager behind it.</summary>
internal sealed record ListenerModel(string Name, string? Address, int Port, TrafficDirection Direction, HttpConnectionManagerModel Hcm)
{
    public bool IsInternal => Address is null;

    /// <summary>What must change for the socket to be re-bound.</summary>
    public string BindKey => IsInternal ? "internal:" + Name : $"{Address}:{Port}";
}
