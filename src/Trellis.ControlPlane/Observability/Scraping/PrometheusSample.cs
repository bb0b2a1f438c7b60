namespace Trellis.ControlPlane.Observability.Scraping;

/// <summary>One line of a Prometheus text exposition: the metric name, its labels, the value, and the line's name and
/// label text as written, which identifies the series from one scrape to the next.</summary>
internal readonly record struct PrometheusSample(string Series, string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}
