using Envoy.Extensions.Filters.Http.Fault.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Config.Model.Networking;
using EnvoyFaultDelay = Envoy.Extensions.Filters.Common.Fault.V3.FaultDelay;
using EnvoyFaultAbort = Envoy.Extensions.Filters.Http.Fault.V3.FaultAbort;
using FractionalPercent = Envoy.Type.V3.FractionalPercent;

namespace Trellis.ControlPlane.Translation;

/// <summary>A VirtualService http route's <c>fault</c> as Istio compiles it (TranslateFault in
/// pilot/pkg/networking/core/route/route.go): the per-route config of Envoy's HTTP fault filter.</summary>
internal static class FaultTranslator
{
    public const string FilterName = "envoy.filters.http.fault";

    /// <summary>The HTTPFault for a route, or null when nothing Envoy can inject is left (an exponential
    /// delay and an HTTP/2 error abort are dropped, as Istio does).</summary>
    public static HTTPFault? Translate(HttpFaultInjection? fault)
    {
        if (fault is null) return null;
        var delay = Delay(fault.Delay);
        var abort = Abort(fault.Abort);
        if (delay is null && abort is null) return null;
        var result = new HTTPFault();
        if (delay is not null) result.Delay = delay;
        if (abort is not null) result.Abort = abort;
        return result;
    }

    private static EnvoyFaultDelay? Delay(Trellis.Config.Model.Networking.FaultDelay? delay)
    {
        // Only fixed delays: Istio drops an exponential delay.
        if (delay?.FixedDelay is not { } fixedDelay) return null;
        return new EnvoyFaultDelay
        {
            FixedDelay = Duration.FromTimeSpan(fixedDelay),
            // The deprecated integer percent (0 when neither is set) is a fraction of a hundred.
            Percentage = delay.Percentage is { } percentage
                ? Million(percentage)
                : new FractionalPercent { Numerator = (uint)Math.Max(delay.Percent ?? 0, 0), Denominator = FractionalPercent.Types.DenominatorType.Hundred },
        };
    }

    private static EnvoyFaultAbort? Abort(Trellis.Config.Model.Networking.FaultAbort? abort)
    {
        if (abort is null) return null;
        var result = new EnvoyFaultAbort();
        if (abort.HttpStatus is { } status) result.HttpStatus = (uint)status;
        // Validation rejects unknown names; should one reach here, no abort beats Istio's code 0 (OK).
        else if (abort.GrpcStatus is { } name && GrpcStatusCodes.ByName.TryGetValue(name, out var code)) result.GrpcStatus = code;
        else return null; // http2Error (or nothing): Istio supports only HTTP and gRPC aborts.
        // Without a percentage Envoy aborts no request, as with Istio.
        if (abort.Percentage is { } percentage) result.Percentage = Million(percentage);
        return result;
    }

    /// <summary>Istio's translatePercentToFractionalPercent: 0-100 with up to four decimals, in millionths.</summary>
    private static FractionalPercent Million(Percent percent) => new()
    {
        Numerator = (uint)Math.Clamp((percent.Value ?? 0) * 10000, 0, 1_000_000),
        Denominator = FractionalPercent.Types.DenominatorType.Million,
    };
}
