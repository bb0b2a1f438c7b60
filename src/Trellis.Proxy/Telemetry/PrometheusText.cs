using System.Text;

namespace Trellis.Proxy.Telemetry;

/// <summary>A metric that can render itself in the Prometheus text exposition format.</summary>
internal interface IMetric
{
    void WriteTo(StringBuilder output);
}

/// <summary>The Prometheus text format's label syntax and escaping.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void AppendLabels(StringBuilder output, string[] names, string[] values, (string Name, string Value)? extra)
    {
        output.Append('{');
        for (var i = 0; i < names.Length; i++)
        {
            if (i > 0) output.Append(',');
            Append(output, names[i], values[i]);
        }
        if (extra is { } e)
        {
            if (names.Length > 0) output.Append(',');
            Append(output, e.Name, e.Value);
        }
        output.Append('}');
    }

    private static void Append(StringBuilder output, string name, string value)
    {
        output.Append(name).Append("=\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': output.Append(@"\\"); break;
                case '"': output.Append("\\\""); break;
                case '\n': output.Append(@"\n"); break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }
}

/// <summary>All metrics the proxy exports.</summary>
internal sealed class MetricRegistry
{
    private readonly List<IMetric> _metrics = [];

    public T Add<T>(T metric) where T : IMetric
    {
        lock (_metrics) _metrics.Add(metric);
        return metric;
    }

    public string Render()
    {
        var output = new StringBuilder(4096);
        lock (_metrics)
            foreach (var m in _metrics) m.WriteTo(output);
        return output.ToString();
    }
}
