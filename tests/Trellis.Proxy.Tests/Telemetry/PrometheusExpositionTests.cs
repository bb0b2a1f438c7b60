using System.IO.Pipelines;
using System.Text;
using Trellis.Proxy.Telemetry;

namespace Trellis.Proxy.Tests.Telemetry;

/// <summary>The text exposition the admin port serves: label syntax and escaping, histogram lines, and the same text
/// whether it is rendered whole or streamed through a pipe in flushes.</summary>
public class PrometheusExpositionTests
{
    [Fact]
    public void Label_values_are_escaped_and_removed_labels_left_out()
    {
        var registry = new MetricRegistry();
        var counter = registry.Add(new Counter("requests_total", "Requests.", ["path", "peer", "gone"]));
        counter.Increment(["/a\"b\\c\nd", "ünï", PrometheusText.Absent, "added", "x"], 3);

        var lines = registry.Render().Split('\n');

        Assert.Contains("requests_total{path=\"/a\\\"b\\\\c\\nd\",peer=\"ünï\",added=\"x\"} 3", lines);
        Assert.Contains("# TYPE requests_total counter", lines);
    }

    [Fact]
    public void A_metric_without_labels_has_no_braces()
    {
        var registry = new MetricRegistry();
        registry.Add(new Counter("scrapes_total", "Scrapes.", [])).Increment([]);

        Assert.Contains("scrapes_total 1", registry.Render().Split('\n'));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_with_inf_sum_and_count()
    {
        var registry = new MetricRegistry();
        var histogram = registry.Add(new Histogram("latency_ms", "Latency.", ["code"], [0.5, 10]));
        histogram.Observe(["200"], 0.25);
        histogram.Observe(["200"], 7);
        histogram.Observe(["200"], 100.5);

        var lines = registry.Render().Split('\n');

        Assert.Contains("latency_ms_bucket{code=\"200\",le=\"0.5\"} 1", lines);
        Assert.Contains("latency_ms_bucket{code=\"200\",le=\"10\"} 2", lines);
        Assert.Contains("latency_ms_bucket{code=\"200\",le=\"+Inf\"} 3", lines);
        Assert.Contains("latency_ms_sum{code=\"200\"} 107.75", lines);
        Assert.Contains("latency_ms_count{code=\"200\"} 3", lines);
    }

    [Fact]
    public async Task Streaming_through_a_pipe_flushes_as_it_goes_and_writes_the_same_text()
    {
        var registry = new MetricRegistry();
        var histogram = registry.Add(new Histogram("latency_ms", "Latency.", ["peer"], [1, 2, 5, 10, 20, 50]));
        for (var i = 0; i < 500; i++) histogram.Observe([$"peer-{i}-{new string('x', 100)}"], i);
        var pipe = new Pipe();
        var received = new MemoryStream();
        var reads = 0;
        var reading = Task.Run(async () =>
        {
            while (true)
            {
                var read = await pipe.Reader.ReadAsync();
                foreach (var segment in read.Buffer) received.Write(segment.Span);
                if (!read.Buffer.IsEmpty) reads++;
                pipe.Reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) return;
            }
        });

        await registry.WriteToAsync(new PrometheusWriter(pipe.Writer), CancellationToken.None);
        await pipe.Writer.CompleteAsync();
        await reading;

        // Without flushes along the way the reader would get all of it at once, when the writer completes.
        Assert.True(received.Length > 500 * 1024, $"{received.Length} bytes");
        Assert.True(reads > 1, $"{reads} reads");
        Assert.Equal(registry.Render(), Encoding.UTF8.GetString(received.ToArray()));
    }
}
