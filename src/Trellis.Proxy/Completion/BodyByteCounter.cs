using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Completion;

/// <summary>Counts a request's downstream body bytes both ways (Envoy's BYTES_RECEIVED and BYTES_SENT) and notes when
/// the request body ended (REQUEST_DURATION). Installed on every request: Istio's istio_request_bytes and
/// istio_response_bytes histograms observe every body, as Envoy counts every body.</summary>
internal sealed class BodyByteCounter
{
    private long _received;
    private long _sent;
    private long _requestEnd;

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>When the last byte of the request body was read; 0 while the body is still being read.</summary>
    public long RequestEndTimestamp => Interlocked.Read(ref _requestEnd);

    public static BodyByteCounter Install(HttpContext http)
    {
        var counter = new BodyByteCounter();
        http.Request.Body = new CountingStream(http.Request.Body, counter, received: true);
        http.Response.Body = new CountingStream(http.Response.Body, counter, received: false);
        return counter;
    }

    /// <summary>A tunnel's byte counts, which its pump has already counted.</summary>
    public static BodyByteCounter Of(long received, long sent) => new() { _received = received, _sent = sent };

    internal void AddReceived(int bytes)
    {
        if (bytes == 0) Interlocked.CompareExchange(ref _requestEnd, Stopwatch.GetTimestamp(), 0);
        else Interlocked.Add(ref _received, bytes);
    }

    internal void AddSent(int bytes) => Interlocked.Add(ref _sent, bytes);
}
