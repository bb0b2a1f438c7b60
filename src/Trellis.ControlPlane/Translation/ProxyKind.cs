namespace Trellis.ControlPlane.Translation;

/// <summary>The roles a proxy can play; each gets a different set of listeners.</summary>
internal enum ProxyKind
{
    Sidecar,
    Router,
    ProxylessGrpc,
}

internal static class ProxyKinds
{
    /// <summary>The kind as `trellis proxy-status` shows it.</summary>
    public static string DisplayName(this ProxyKind kind) => kind switch
    {
        ProxyKind.Sidecar => "sidecar",
        ProxyKind.Router => "router",
        ProxyKind.ProxylessGrpc => "proxyless-grpc",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
