using Grpc.Core;

namespace Trellis.ControlPlane.Identity;

/// <summary>The pod token a gRPC caller presents as <c>authorization: Bearer TOKEN</c>, as Istio's agent sends it.</summary>
internal static class CallerCredential
{
    /// <summary>The bearer token, or null when the call carries none.</summary>
    public static string? BearerToken(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null) return null;
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length ? header[prefix.Length..].Trim() : "";
    }

    /// <summary>The identity the call's token proves; otherwise Unauthenticated with the reason.</summary>
    public static WorkloadIdentity Authenticate(ServerCallContext context, PodTokenAuthority tokens)
    {
        var token = BearerToken(context)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "no credential: send the pod token as `authorization: Bearer TOKEN`"));
        return tokens.Validate(token, out var error)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, $"credential refused: {error}"));
    }
}
