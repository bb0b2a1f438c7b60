using System.Globalization;
using System.Text;

namespace Trellis.Xds;

/// <summary>A set of ports written as ascending ranges, <c>15000-15003,15010</c>: how the control plane lists a
/// machine's reserved ports to its proxies, a few bytes per run of ports instead of an entry per port.</summary>
public static class PortRanges
{
    /// <summary>Writes <paramref name="ports"/>, in any order and with repeats, as ascending comma-separated ranges.</summary>
    public static string Format(IEnumerable<int> ports)
    {
        var text = new StringBuilder();
        int? first = null, last = null;
        foreach (var port in ports.Distinct().Order())
        {
            if (last + 1 == port)
            {
                last = port;
                continue;
            }
            Append(text, first, last);
            first = last = port;
        }
        Append(text, first, last);
        return text.ToString();
    }

    /// <summary>Reads what <see cref="Format"/> writes; on anything else returns null and says why in
    /// <paramref name="error"/>.</summary>
    public static IReadOnlyList<int>? Parse(string text, out string? error)
    {
        var ports = new List<int>();
        error = null;
        if (text.Length == 0) return ports;
        foreach (var range in text.Split(','))
        {
            var dash = range.IndexOf('-');
            var low = Port(dash < 0 ? range : range[..dash]);
            var high = dash < 0 ? low : Port(range[(dash + 1)..]);
            if (low is null || high is null || high < low)
            {
                error = $"\"{range}\" is not a port (1-65535) or an ascending range of ports such as 15000-15003";
                return null;
            }
            for (var port = low.Value; port <= high.Value; port++) ports.Add(port);
        }
        return ports;
    }

    private static int? Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port : null;

    private static void Append(StringBuilder text, int? first, int? last)
    {
        if (first is null) return;
        if (text.Length > 0) text.Append(',');
        text.Append(CultureInfo.InvariantCulture, $"{first}");
        if (last != first) text.Append(CultureInfo.InvariantCulture, $"-{last}");
    }
}
