using System.Globalization;

namespace Trellis.EndToEnd.Harness;

/// <summary>Sums Prometheus text-format samples of one metric whose labels include all the given pairs.</summary>
internal static class Prometheus
{
    public static double Sum(string text, string metric, params (string Name, string Value)[] labels) =>
        text.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Where(l => labels.All(p => l.Contains($"{p.Name}=\"{p.Value}\"", StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
