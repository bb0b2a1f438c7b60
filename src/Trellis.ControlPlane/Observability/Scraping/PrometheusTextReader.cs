using System.Globalization;

namespace Trellis.ControlPlane.Observability.Scraping;

/// <summary>Reads the Prometheus text exposition format (version 0.0.4) that proxies serve, keeping only the metrics
/// asked for. The text comes from processes the control plane did not write, so malformed lines are skipped, never
/// thrown on, and a line's labels are bounded.</summary>
internal static class PrometheusTextReader
{
    private const int MaxLabels = 64;

    /// <summary>The samples of the metrics whose name <paramref name="wanted"/> accepts, in order of appearance.</summary>
    public static IEnumerable<PrometheusSample> Read(string text, Func<string, bool> wanted)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var line = text.AsMemory(start, end - start);
            start = end + 1;
            if (TryParse(line.Span, wanted, out var sample)) yield return sample;
        }
    }

    internal static bool TryParse(ReadOnlySpan<char> line, Func<string, bool> wanted, out PrometheusSample sample)
    {
        sample = default;
        line = line.TrimEnd('\r');
        if (line.IsEmpty || line[0] == '#') return false;
        var nameEnd = 0;
        while (nameEnd < line.Length && IsNameChar(line[nameEnd], nameEnd == 0)) nameEnd++;
        if (nameEnd == 0) return false;
        var name = line[..nameEnd].ToString();
        if (!wanted(name)) return false;
        var rest = line[nameEnd..];
        var seriesLength = nameEnd;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!rest.IsEmpty && rest[0] == '{')
        {
            var consumed = ReadLabels(rest, labels);
            if (consumed < 0) return false;
            rest = rest[consumed..];
            seriesLength += consumed;
        }
        rest = rest.TrimStart(' ');
        var valueEnd = rest.IndexOf(' ');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        if (!TryParseValue(valueText, out var value)) return false;
        sample = new PrometheusSample(line[..seriesLength].ToString(), name, labels, value);
        return true;
    }

    /// <summary>Reads <c>{a="x",b="y"}</c> into <paramref name="labels"/>; the characters consumed, or -1 when malformed.</summary>
    private static int ReadLabels(ReadOnlySpan<char> text, Dictionary<string, string> labels)
    {
        var i = 1;
        var value = new System.Text.StringBuilder();
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or ',') i++;
            if (i >= text.Length) return -1;
            if (text[i] == '}') return i + 1;
            var nameStart = i;
            while (i < text.Length && IsNameChar(text[i], i == nameStart)) i++;
            if (i == nameStart || i + 1 >= text.Length || text[i] != '=' || text[i + 1] != '"') return -1;
            var labelName = text[nameStart..i].ToString();
            i += 2;
            value.Clear();
            while (true)
            {
                if (i >= text.Length) return -1;
                var c = text[i++];
                if (c == '"') break;
                if (c != '\\') { value.Append(c); continue; }
                if (i >= text.Length) return -1;
                var escaped = text[i++];
                value.Append(escaped switch { 'n' => '\n', _ => escaped });
            }
            if (labels.Count >= MaxLabels) return -1;
            labels[labelName] = value.ToString();
        }
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "+Inf": value = double.PositiveInfinity; return true;
            case "-Inf": value = double.NegativeInfinity; return true;
            case "NaN": value = double.NaN; return true;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (!first && c is >= '0' and <= '9');
}
