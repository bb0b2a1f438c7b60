using System.CommandLine;
using System.Globalization;
using System.Text;
using Trellis.Cli.Output;
using Trellis.ControlPlane.Tracing;
using Trellis.LocalMode;

namespace Trellis.Cli.Commands;

/// <summary>`trellis traces [--service S]` lists the recent traces the control plane received; `trellis traces ID`
/// prints one as a span waterfall: each span under its parent, with its service, kind, name, status and timing.</summary>
internal static class TracesCommand
{
    private const int BarWidth = 40;

    public static Command Create()
    {
        var id = new Argument<string?>("trace-id") { Description = "A trace to show as a waterfall", Arity = ArgumentArity.ZeroOrOne };
        var service = new Option<string?>("--service") { Description = "Only traces through this service (for example productpage.bookinfo)" };
        var limit = new Option<int>("--limit") { Description = "How many traces to list", DefaultValueFactory = _ => 20 };
        var output = CommonOptions.Output("text");
        var command = new Command("traces", "List recent traces, or show one as a span waterfall") { id, service, limit, output };
        command.SetAction(async (result, ct) =>
        {
            if (!MeshCommandContext.TryGetRunning(result, out var home, out var state)) return 1;
            using var client = new ControlPlaneClient(home, state);
            var format = result.GetValue(output)!;
            if (result.GetValue(id) is { } traceId)
            {
                if (await client.TraceAsync(traceId.Trim().ToLowerInvariant(), ct) is not { Count: > 0 } spans)
                {
                    Console.Error.WriteLine($"error: trace {traceId} is not among the recent traces the control plane keeps (`trellis traces` lists them)");
                    return 1;
                }
                if (format is "json" or "yaml") Printer.Structured(spans, format);
                else Console.Write(Waterfall(traceId, spans));
                return 0;
            }
            var traces = await client.TracesAsync(result.GetValue(service), Math.Clamp(result.GetValue(limit), 1, 500), ct);
            if (format is "json" or "yaml")
            {
                Printer.Structured(traces, format);
                return 0;
            }
            if (traces.Count == 0)
            {
                Console.WriteLine("no traces yet: proxies sample 1% of requests unless a Telemetry sets randomSamplingPercentage");
                return 0;
            }
            Printer.Table(["trace", "root", "start", "duration", "spans", "status", "services"], traces.Select(t => (IReadOnlyList<string>)
            [
                t.TraceId, $"{t.RootService} {t.RootName}", t.Start.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
                Millis(t.Duration), t.SpanCount.ToString(CultureInfo.InvariantCulture), t.Error ? "ERROR" : "OK", string.Join(",", t.Services),
            ]));
            return 0;
        });
        return command;
    }

    internal static string Waterfall(string traceId, IReadOnlyList<SpanRecord> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = spans.Where(s => s.ParentSpanId is { } p && ids.Contains(p)).ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        var start = spans.Min(s => s.Start);
        var total = Math.Max((spans.Max(s => s.Start + s.Duration) - start).TotalMilliseconds, 0.001);
        var text = new StringBuilder().Append($"trace {traceId} · {spans.Count} spans · {total:F1} ms\n");
        void Visit(SpanRecord span, int depth, HashSet<string> seen)
        {
            if (!seen.Add(span.SpanId)) return;
            var offset = (span.Start - start).TotalMilliseconds;
            var from = (int)Math.Round(offset / total * BarWidth);
            var width = Math.Max(1, (int)Math.Round(span.Duration.TotalMilliseconds / total * BarWidth));
            var bar = new string(' ', Math.Min(from, BarWidth - 1)) + new string('█', Math.Min(width, BarWidth - Math.Min(from, BarWidth - 1)));
            text.Append(CultureInfo.InvariantCulture, $"{new string(' ', depth * 2)}{span.Service} {span.Kind} {span.Name}{(span.Error ? " ERROR" : "")}")
                .Append(CultureInfo.InvariantCulture, $"  +{offset:F1} ms  {span.Duration.TotalMilliseconds:F1} ms  |{bar.PadRight(BarWidth)}|\n");
            foreach (var child in children[span.SpanId].OrderBy(c => c.Start)) Visit(child, depth + 1, seen);
        }
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.Start)) Visit(root, 0, visited);
        return text.ToString();
    }

    private static string Millis(TimeSpan duration) => duration.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + "ms";
}
