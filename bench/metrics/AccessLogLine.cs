using System.Buffers;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.AccessLogs;
using Trellis.Proxy.AccessLogs.Formatting;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Telemetry;

namespace Trellis.Bench.Metrics;

/// <summary>One access-log line in Envoy's default format for a request with the headers the format reads: formatting
/// alone, and formatting plus handing the line to a file sink (the sink's writer thread appends to a file under /tmp).</summary>
[MemoryDiagnoser]
public class AccessLogLine
{
    private CompletionRecord _record;
    private TextFormatter _formatter = null!;
    private AccessLogSinks _sinks = null!;
    private AccessLogModel _model = null!;
    private string _path = null!;
    private readonly ArrayBufferWriter<byte> _line = new(1024);

    [GlobalSetup]
    public void Setup()
    {
        var record = BookinfoTraffic.Records(1)[0];
        var headers = new HeaderDictionary
        {
            ["user-agent"] = "curl/8.5.0",
            ["x-request-id"] = "9c2e8a6e-5d0b-4c1e-9f3a-0a7d2b3c4e5f",
            ["x-forwarded-for"] = "10.1.0.9",
            [":authority"] = "reviews:9080",
        };
        _record = record with { HasDetails = true, RequestHeaders = headers, ResponseHeaders = new HeaderDictionary { ["x-envoy-upstream-service-time"] = "3" } };
        _formatter = FormatParser.Text(TextFormatter.DefaultFormat, false, "bench");
        _path = Path.Combine(Path.GetTempPath(), $"trellis-bench-access-{Environment.ProcessId}.log");
        _sinks = new AccessLogSinks(new MetricRegistry(), NullLogger.Instance);
        _model = new AccessLogModel("bench", _formatter, new AccessLogDestination(AccessLogDestination.Stream.File, _path));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sinks.DisposeAsync();
        File.Delete(_path);
    }

    [Benchmark(Baseline = true, Description = "format Envoy's default line")]
    public int Format()
    {
        _line.ResetWrittenCount();
        _formatter.Write(_record, _line);
        return _line.WrittenCount;
    }

    [Benchmark(Description = "format and hand to a file sink")]
    public void FormatAndWrite()
    {
        _line.ResetWrittenCount();
        _formatter.Write(_record, _line);
        _sinks.Write(_model, _line.WrittenSpan);
    }
}
