using Envoy.Config.Core.V3;
using FractionalPercent = Envoy.Type.V3.FractionalPercent;
using Trellis.Config.Model.Networking;

namespace Trellis.ControlPlane.Translation;

/// <summary>A VirtualService rule's mirrors as istiod writes request_mirror_policies: <c>mirror</c> with
/// <c>mirrorPercentage</c> (else the deprecated <c>mirrorPercent</c>, else 100%), or each of <c>mirrors</c> with its own
/// <c>percentage</c> (100% when unset); an explicit 0 mirrors nothing.</summary>
internal static class MirrorTranslator
{
    public static IEnumerable<(Destination Destination, RuntimeFractionalPercent Fraction)> Policies(HttpRoute http)
    {
        if (http.Mirror is { } mirror && Fraction(http.MirrorPercentage, http.MirrorPercent) is { } fraction) yield return (mirror, fraction);
        foreach (var policy in http.Mirrors ?? [])
            if (policy.Destination is { } destination && Fraction(policy.Percentage, null) is { } each) yield return (destination, each);
    }

    private static RuntimeFractionalPercent? Fraction(Percent? percentage, int? legacyPercent)
    {
        if (percentage is not null)
            return percentage.Value is > 0 and var value ? Of((uint)Math.Round(value * 10_000), FractionalPercent.Types.DenominatorType.Million) : null;
        if (legacyPercent is not null) return legacyPercent > 0 ? Of((uint)legacyPercent.Value, FractionalPercent.Types.DenominatorType.Hundred) : null;
        return Of(100, FractionalPercent.Types.DenominatorType.Hundred);
    }

    private static RuntimeFractionalPercent Of(uint numerator, FractionalPercent.Types.DenominatorType denominator) =>
        new() { DefaultValue = new FractionalPercent { Numerator = numerator, Denominator = denominator } };
}
