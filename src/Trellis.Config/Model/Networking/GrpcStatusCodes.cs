using System.Collections.Frozen;

namespace Trellis.Config.Model.Networking;

/// <summary>The gRPC status names a fault abort's grpcStatus accepts (Istio's SupportedGRPCStatus), with their codes.</summary>
public static class GrpcStatusCodes
{
    /// <summary>Code by name.</summary>
    public static FrozenDictionary<string, uint> ByName { get; } = new[]
    {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    }.Select((name, code) => (name, code: (uint)code)).ToFrozenDictionary(p => p.name, p => p.code, StringComparer.Ordinal);
}
