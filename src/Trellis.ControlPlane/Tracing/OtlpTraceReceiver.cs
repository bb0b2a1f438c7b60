using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Trellis.ControlPlane.Tracing.Otlp;

namespace Trellis.ControlPlane.Tracing;

/// <summary>The control plane's OTLP/HTTP trace receiver (POST /v1/traces, binary protobuf), where proxies send spans
/// when no tracing provider is configured. What arrives is bounded: the body's size, the tags per span and each value's
/// length; spans with malformed ids are rejected and counted back to the sender as OTLP's partial success says.</summary>
internal static class OtlpTraceReceiver
{
    public const string Path = "/v1/traces";
    public const long MaxBodyBytes = 4 * 1024 * 1024;
    private const int MaxTags = 64;
    private const int MaxValueLength = 1024;

    public static void Map(IEndpointRouteBuilder app, TraceStore store) => app.MapPost(Path, async (HttpRequest request) =>
    {
        if (request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) != true)
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: "send OTLP traces as binary protobuf (application/x-protobuf)");
        if (request.ContentLength > MaxBodyBytes)
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, detail: $"an export is at most {MaxBodyBytes} bytes");
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, detail: $"an export is at most {MaxBodyBytes} bytes");
            body.Write(buffer, 0, read);
        }
        ExportTraceServiceRequest export;
        try
        {
            export = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: $"not an OTLP ExportTraceServiceRequest: {e.Message}");
        }
        var (spans, rejected) = Decode(export);
        store.Add(spans);
        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = "spans need a 16-byte trace id and an 8-byte span id" };
        return Results.Bytes(response.ToByteArray(), "application/x-protobuf");
    });

    internal static (List<SpanRecord> Spans, long Rejected) Decode(ExportTraceServiceRequest export)
    {
        var spans = new List<SpanRecord>();
        long rejected = 0;
        foreach (var resource in export.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "unknown";
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
            {
                if (span.TraceId.Length != 16 || span.SpanId.Length != 8 || span.ParentSpanId.Length is not (0 or 8) || IsZero(span.TraceId) || IsZero(span.SpanId))
                {
                    rejected++;
                    continue;
                }
                var tags = span.Attributes.Take(MaxTags).GroupBy(a => Cut(a.Key)).ToDictionary(g => g.Key, g => Text(g.First().Value));
                var start = DateTimeOffset.UnixEpoch.AddTicks((long)(span.StartTimeUnixNano / 100));
                var duration = span.EndTimeUnixNano > span.StartTimeUnixNano ? TimeSpan.FromTicks((long)((span.EndTimeUnixNano - span.StartTimeUnixNano) / 100)) : TimeSpan.Zero;
                var error = span.Status?.Code == Status.Types.StatusCode.Error || tags.GetValueOrDefault("error") == "true";
                spans.Add(new SpanRecord(Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span),
                    span.ParentSpanId.IsEmpty ? null : Convert.ToHexStringLower(span.ParentSpanId.Span), Cut(span.Name), Cut(service), KindOf(span.Kind),
                    start, duration, error, tags));
            }
        }
        return (spans, rejected);
    }

    private static bool IsZero(ByteString bytes) => bytes.Span.IndexOfAnyExcept((byte)0) < 0;

    private static string KindOf(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => "SERVER",
        Span.Types.SpanKind.Client => "CLIENT",
        Span.Types.SpanKind.Producer => "PRODUCER",
        Span.Types.SpanKind.Consumer => "CONSUMER",
        _ => "INTERNAL",
    };

    private static string Text(AnyValue? value) => Cut(value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
        _ => "",
    });

    private static string Cut(string text) => text.Length <= MaxValueLength ? text : text[..MaxValueLength];
}
