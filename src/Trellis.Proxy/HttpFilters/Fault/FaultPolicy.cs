using System.Collections.Frozen;
using Envoy.Extensions.Filters.Http.Fault.V3;
using Envoy.Type.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.HttpFilters.Fault;

/// <summary>A compiled HTTPFault: which requests it applies to, the delay and the abort to inject, each
/// with its share of requests. Built once per configuration; <see cref="Active"/> is the only mutable
/// part, counting faults in progress against max_active_faults.</summary>
internal sealed class FaultPolicy
{
    public const string FilterName = "envoy.filters.http.fault";

    private FaultPolicy(FaultDelayModel? delay, FaultAbortModel? abort, string? upstreamCluster, HeaderMatch[] headers,
        FrozenSet<string> downstreamNodes, uint? maxActiveFaults)
    {
        Delay = delay;
        Abort = abort;
        UpstreamCluster = upstreamCluster;
        Headers = headers;
        DownstreamNodes = downstreamNodes;
        MaxActiveFaults = maxActiveFaults;
    }

    public FaultDelayModel? Delay { get; }
    public FaultAbortModel? Abort { get; }
    public string? UpstreamCluster { get; }
    public HeaderMatch[] Headers { get; }
    public FrozenSet<string> DownstreamNodes { get; }
    public uint? MaxActiveFaults { get; }
    public bool InjectsNothing => Delay is null && Abort is null;

    /// <summary>Faults being injected right now (delays in progress and aborts being written).</summary>
    public int Active;

    /// <summary>The policy in an HTTP filter's typed_config or a per-route config. One that injects nothing
    /// still counts: per route, it replaces a less specific policy.</summary>
    public static FaultPolicy From(HTTPFault fault, string where)
    {
        if (fault.ResponseRateLimit is not null)
            throw new ConfigException($"{where}: {FilterName} response_rate_limit is not supported by this proxy");
        var delay = fault.Delay is { } d ? FaultDelayModel.From(d, where) : null;
        var abort = fault.Abort is { } a ? FaultAbortModel.From(a, where) : null;
        return new FaultPolicy(delay, abort,
            fault.UpstreamCluster.Length > 0 ? fault.UpstreamCluster : null,
            fault.Headers.Select(h => HeaderMatch.From(h, $"{where} {FilterName}")).ToArray(),
            fault.DownstreamNodes.ToFrozenSet(StringComparer.Ordinal),
            fault.MaxActiveFaults);
    }

    /// <summary>Envoy's draw: a request is in when a uniform number below the denominator is below the numerator.</summary>
    internal static bool Hit(FractionalPercent? share)
    {
        if (share is null || share.Numerator == 0) return false;
        var denominator = share.Denominator switch
        {
            FractionalPercent.Types.DenominatorType.TenThousand => 10_000u,
            FractionalPercent.Types.DenominatorType.Million => 1_000_000u,
            _ => 100u,
        };
        return share.Numerator >= denominator || (uint)Random.Shared.Next((int)denominator) < share.Numerator;
    }
}

/// <summary>A fixed delay, or one the request asks for in x-envoy-fault-delay-request (header_delay).</summary>
internal sealed record FaultDelayModel(TimeSpan? Fixed, FractionalPercent? Share)
{
    public static FaultDelayModel From(Envoy.Extensions.Filters.Common.Fault.V3.FaultDelay d, string where)
    {
        TimeSpan? fixedDelay = d.FaultDelaySecifierCase switch
        {
            Envoy.Extensions.Filters.Common.Fault.V3.FaultDelay.FaultDelaySecifierOneofCase.FixedDelay when DurationField.PositiveOr(d.FixedDelay, TimeSpan.Zero, where, "delay.fixed_delay") is var span && span > TimeSpan.Zero => Min(span, Timers.Longest),
            Envoy.Extensions.Filters.Common.Fault.V3.FaultDelay.FaultDelaySecifierOneofCase.HeaderDelay => null,
            _ => throw new ConfigException($"{where}: {FaultPolicy.FilterName} delay needs a positive fixed_delay or header_delay"),
        };
        return new FaultDelayModel(fixedDelay, d.Percentage);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

/// <summary>An HTTP or gRPC status to answer with, or one the request asks for (header_abort).</summary>
internal sealed record FaultAbortModel(int? HttpStatus, int? GrpcStatus, FractionalPercent? Share)
{
    public bool FromHeaders => HttpStatus is null && GrpcStatus is null;

    public static FaultAbortModel From(FaultAbort a, string where) => a.ErrorTypeCase switch
    {
        FaultAbort.ErrorTypeOneofCase.HttpStatus when a.HttpStatus is >= 200 and < 600 => new((int)a.HttpStatus, null, a.Percentage),
        FaultAbort.ErrorTypeOneofCase.HttpStatus => throw new ConfigException($"{where}: {FaultPolicy.FilterName} abort http_status {a.HttpStatus} is outside [200, 600)"),
        FaultAbort.ErrorTypeOneofCase.GrpcStatus => new(null, (int)a.GrpcStatus, a.Percentage),
        FaultAbort.ErrorTypeOneofCase.HeaderAbort => new(null, null, a.Percentage),
        _ => throw new ConfigException($"{where}: {FaultPolicy.FilterName} abort names no http_status, grpc_status or header_abort"),
    };
}
