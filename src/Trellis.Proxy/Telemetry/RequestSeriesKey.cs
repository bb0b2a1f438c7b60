using System.Runtime.CompilerServices;

namespace Trellis.Proxy.Telemetry;

/// <summary>What a request's Istio labels are computed from: the objects describing the source, the destination
/// workload and the cluster or its service (compared by identity: a snapshot and the peer cache hand out the
/// same instances request after request), and the outcome. Nothing in it is read from the request's own
/// headers but the gRPC status. Two keys that differ may still yield the same labels; they then share one series.</summary>
internal readonly struct RequestSeriesKey(bool inbound, object? source, object? destination, object? cluster,
    int status, bool grpc, string grpcStatus, string responseFlag, bool mutualTls, string? peerPrincipal) : IEquatable<RequestSeriesKey>
{
    private readonly bool _mutualTls = mutualTls;
    private readonly string? _peerPrincipal = peerPrincipal;
    private readonly bool _inbound = inbound;
    private readonly object? _source = source;
    private readonly object? _destination = destination;
    private readonly object? _cluster = cluster;
    private readonly int _status = status;
    private readonly bool _grpc = grpc;
    private readonly string _grpcStatus = grpcStatus;
    private readonly string _responseFlag = responseFlag;

    public bool Equals(RequestSeriesKey other) =>
        _status == other._status && _inbound == other._inbound && _grpc == other._grpc
        && ReferenceEquals(_source, other._source) && ReferenceEquals(_destination, other._destination) && ReferenceEquals(_cluster, other._cluster)
        && _mutualTls == other._mutualTls && string.Equals(_peerPrincipal, other._peerPrincipal, StringComparison.Ordinal)
        && string.Equals(_responseFlag, other._responseFlag, StringComparison.Ordinal)
        && string.Equals(_grpcStatus, other._grpcStatus, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is RequestSeriesKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(
        HashCode.Combine(_inbound, IdentityHash(_source), IdentityHash(_destination), IdentityHash(_cluster)),
        _status, _grpc, _grpcStatus, _responseFlag, _peerPrincipal);

    private static int IdentityHash(object? o) => o is null ? 0 : RuntimeHelpers.GetHashCode(o);
}
