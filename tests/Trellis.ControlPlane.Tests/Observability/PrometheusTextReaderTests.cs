using Trellis.ControlPlane.Observability.Scraping;

namespace Trellis.ControlPlane.Tests.Observability;

public sealed class PrometheusTextReaderTests
{
    [Fact]
    public void Reads_the_wanted_metrics_with_their_labels_and_values()
    {
        const string text = """
            # HELP istio_requests_total Total requests.
            # TYPE istio_requests_total counter
            istio_requests_total{reporter="source",response_code="200"} 12
            istio_tcp_connections_opened_total{reporter="source"} 3
            istio_request_duration_milliseconds_bucket{reporter="source",le="+Inf"} 7
            """;
        var samples = PrometheusTextReader.Read(text, n => n.StartsWith("istio_request", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, samples.Count);
        Assert.Equal("istio_requests_total", samples[0].Name);
        Assert.Equal("200", samples[0].Label("response_code"));
        Assert.Equal(12, samples[0].Value);
        Assert.Equal("istio_requests_total{reporter=\"source\",response_code=\"200\"}", samples[0].Series);
        Assert.Equal("+Inf", samples[1].Label("le"));
    }

    [Fact]
    public void Unescapes_label_values()
    {
        var sample = PrometheusTextReader.Read("m{reason=\"say \\\"no\\\" \\\\ then\\nstop\"} 1", _ => true).Single();
        Assert.Equal("say \"no\" \\ then\nstop", sample.Label("reason"));
    }

    [Theory]
    [InlineData("m{a=\"unterminated} 1")]
    [InlineData("m{a=x} 1")]
    [InlineData("m{=\"x\"} 1")]
    [InlineData("m{a=\"x\"} not-a-number")]
    [InlineData("{a=\"x\"} 1")]
    [InlineData("m{a=\"x\"")]
    public void Skips_malformed_lines_without_throwing(string line)
    {
        Assert.Empty(PrometheusTextReader.Read(line + "\nok 2\n", n => n == "m"));
        Assert.Single(PrometheusTextReader.Read(line + "\nok 2\n", n => n == "ok"));
    }

    [Fact]
    public void A_line_with_too_many_labels_is_skipped()
    {
        var labels = string.Join(',', Enumerable.Range(0, 100).Select(i => $"l{i}=\"v\""));
        Assert.Empty(PrometheusTextReader.Read($"m{{{labels}}} 1", _ => true));
    }
}
