using System.Text;
using Trellis.Proxy.Outbound.Endpoint;

namespace Trellis.Proxy.Tests.Outbound.Endpoint;

/// <summary>The last request a connection may carry goes out with <c>connection: close</c>; every other byte the pool
/// writes, bodies above all, passes through as it was.</summary>
public sealed class RequestLimitStreamTests
{
    private const string Get = "GET /a HTTP/1.1\r\nHost: app\r\n\r\n";
    private const string Answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    /// <summary>Records what is written and answers each read with <see cref="Answer"/>.</summary>
    private sealed class Upstream : MemoryStream
    {
        public List<string> Written { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Add(Encoding.ASCII.GetString(buffer.Span));
            return ValueTask.CompletedTask;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Encoding.ASCII.GetBytes(Answer, buffer.Span));
    }

    private static async Task ExchangeAsync(Stream stream, params string[] writes)
    {
        foreach (var write in writes) await stream.WriteAsync(Encoding.ASCII.GetBytes(write));
        Assert.Equal(Answer.Length, await stream.ReadAsync(new byte[256]));
    }

    [Fact]
    public async Task The_third_request_of_three_asks_the_upstream_to_close()
    {
        var upstream = new Upstream();
        var stream = new RequestLimitStream(upstream, 3);

        for (var i = 0; i < 3; i++) await ExchangeAsync(stream, Get);

        Assert.Equal([Get, Get, "GET /a HTTP/1.1\r\nHost: app\r\nconnection: close\r\n\r\n"], upstream.Written);
    }

    [Fact]
    public async Task A_body_that_looks_like_a_request_is_not_touched()
    {
        var upstream = new Upstream();
        var stream = new RequestLimitStream(upstream, 2);
        const string post = "POST /upload HTTP/1.1\r\nContent-Length: 30\r\n\r\n";

        // The head and its body go out in two writes before any answer is read: the body is never taken for a request.
        await ExchangeAsync(stream, post, Get);
        await ExchangeAsync(stream, Get);

        Assert.Equal([post, Get, "GET /a HTTP/1.1\r\nHost: app\r\nconnection: close\r\n\r\n"], upstream.Written);
    }

    [Fact]
    public async Task Bytes_that_are_not_an_http11_request_head_pass_through()
    {
        var upstream = new Upstream();
        var stream = new RequestLimitStream(upstream, 1);
        string[] notHeads = ["get /a HTTP/1.1\r\n\r\n", "GET /a HTTP/1.0\r\n\r\n", "GET /a HTTP/1.1\r\nHost: app\r\n", "\u0001\u0002binary"];

        foreach (var bytes in notHeads) await ExchangeAsync(stream, bytes);

        Assert.Equal(notHeads, upstream.Written);
    }
}
