using System.Globalization;
using Trellis.Config.Model;

namespace Trellis.Config.Semantics.Smi;

/// <summary>A TrafficSplit's weights as whole numbers that keep their proportions: integers stay as written; when any is
/// a fractional quantity (<c>500m</c>, <c>0.5</c>), all are counted in thousandths.</summary>
public static class TrafficSplitWeights
{
    /// <summary>The weight as a number; null when it is not a Kubernetes quantity Trellis reads (an integer, a decimal
    /// or a number of thousandths written with <c>m</c>).</summary>
    public static decimal? Parse(IntOrString? weight)
    {
        if (weight is not { } w) return null;
        if (w.Int is { } i) return i;
        var text = w.String ?? "";
        var milli = text.EndsWith('m');
        return decimal.TryParse(milli ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? milli ? value / 1000 : value
            : null;
    }

    /// <summary>Whole-number weights in proportion to <paramref name="weights"/> (each parsed with <see cref="Parse"/>).</summary>
    public static IReadOnlyList<int> Whole(IReadOnlyList<decimal> weights)
    {
        var scale = weights.Any(w => w != decimal.Truncate(w)) ? 1000m : 1m;
        return weights.Select(w => (int)Math.Min(int.MaxValue, decimal.Round(w * scale))).ToList();
    }
}
