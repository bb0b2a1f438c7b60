using System.Text;
using Envoy.Config.Core.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Completion;

/// <summary>Each request ends in one record handed to every observer; its details (headers, trace context, body byte
/// counts) are collected only when some observer wants them for the request's listener.</summary>
public class CompletionObserversTests
{
    private static readonly ListenerModel Outbound = TestListeners.VirtualOutbound;

    private sealed class Recording(bool details) : ICompletionObserver
    {
        public readonly List<CompletionRecord> Records = [];

        public bool WantsDetails(HttpConnectionManagerModel hcm) => details;

        public void OnCompleted(in CompletionRecord record) => Records.Add(record);
    }

    private static RequestContext Request(string body = "")
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Protocol = "HTTP/1.1";
        http.Request.Host = new HostString("reviews:9080");
        http.Request.Path = "/reviews/1";
        http.Request.Headers["x-request-id"] = "abc-123";
        http.Request.Headers["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        http.Request.Headers["x-b3-sampled"] = "1";
        http.Request.Headers.UserAgent = "curl/8.5.0";
        http.Request.Body = new MemoryStream(Encoding.ASCII.GetBytes(body));
        http.Request.ContentLength = body.Length;
        return new RequestContext(http, ProxySnapshot.Empty, Outbound, Outbound.OnlyChain());
    }

    [Fact]
    public async Task Details_and_body_bytes_are_collected_when_an_observer_wants_them()
    {
        var observer = new Recording(details: true);
        var observers = new CompletionObservers([observer]);
        var context = Request("hello");

        observers.RequestStarting(context);
        await context.Http.Request.Body.CopyToAsync(Stream.Null);
        context.Http.Response.StatusCode = 201;
        await context.Http.Response.Body.WriteAsync("created"u8.ToArray());
        observers.RequestCompleted(context);

        var record = Assert.Single(observer.Records);
        Assert.Equal(CompletionKind.Request, record.Kind);
        Assert.Equal(201, record.ResponseCode);
        Assert.Equal(5, record.BytesReceived);
        Assert.Equal(7, record.BytesSent);
        Assert.NotNull(record.RequestDuration);
        Assert.Equal(("POST", "reviews:9080", "/reviews/1", "HTTP/1.1"), (record.Method, record.Authority, record.Path, record.Protocol));
        Assert.Equal("abc-123", record.RequestId);
        Assert.Equal("curl/8.5.0", record.UserAgent);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", record.Trace.TraceParent);
        Assert.Equal("1", record.Trace.B3Sampled);
        Assert.Null(record.Trace.B3TraceId);
        Assert.Equal(context.StartTime, record.StartTime);
    }

    [Fact]
    public void Without_an_observer_wanting_details_the_record_carries_no_headers_but_still_counts_body_bytes()
    {
        var observer = new Recording(details: false);
        var observers = new CompletionObservers([observer]);
        var context = Request("hello");

        observers.RequestStarting(context);
        observers.RequestCompleted(context);

        var record = Assert.Single(observer.Records);
        Assert.False(record.HasDetails);
        Assert.Null(record.RequestHeaders);
        Assert.Null(record.RequestId);
        // Istio's request and response size histograms observe every request.
        Assert.NotNull(record.BytesReceived);
        Assert.Equal("/reviews/1", record.Path);
    }

    [Fact]
    public void Every_observer_sees_the_same_record_once()
    {
        var first = new Recording(details: false);
        var second = new Recording(details: true);
        var observers = new CompletionObservers([first, second]);
        var context = Request();

        observers.RequestStarting(context);
        observers.RequestCompleted(context);

        Assert.Equal(Assert.Single(first.Records), Assert.Single(second.Records));
        Assert.True(first.Records[0].HasDetails);
    }
}
