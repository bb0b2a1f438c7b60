using Grpc.Core;

namespace Trellis.Xds.Server;

/// <summary>Decides whether the caller of an ADS stream may be served as the node its first request announced.
/// Without a registered authenticator every node is served (a bare xDS server, as in tests); a control plane that
/// hands out identities registers one.</summary>
public interface IXdsClientAuthenticator
{
    /// <summary>The identity the caller proved for <paramref name="node"/>, or an
    /// <see cref="RpcException"/> (Unauthenticated or PermissionDenied) saying why it may not have it.</summary>
    XdsClientIdentity Authenticate(NodeInfo node, ServerCallContext context);

    /// <summary>The stream of an authenticated node ended.</summary>
    void Released(NodeInfo node, XdsClientIdentity identity);
}

/// <summary>Who an ADS client proved to be: a workload (namespace, service account, pod) or nobody in particular
/// (an anonymous proxyless client that is served config without secrets or identities).</summary>
public sealed record XdsClientIdentity(string? Namespace, string? ServiceAccount, string? Pod)
{
    /// <summary>A client that presented no credential.</summary>
    public static XdsClientIdentity Anonymous { get; } = new(null, null, null);

    public bool IsAuthenticated => Namespace is not null;

    /// <summary>When the credential stops proving the identity; the server ends the stream then, and the client
    /// reconnects with the fresh credential it has by then. Null: it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
