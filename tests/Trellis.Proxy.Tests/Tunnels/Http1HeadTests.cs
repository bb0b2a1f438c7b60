using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Tests.Tunnels;

public sealed class Http1HeadTests
{
    [Fact]
    public async Task A_head_arriving_in_pieces_is_read_whole_and_the_bytes_after_it_stay_unread()
    {
        var pipe = new Pipe();
        var reading = Http1Head.ReadAsync(pipe.Reader, CancellationToken.None).AsTask();
        foreach (var piece in new[] { "CONNECT db:5432 HT", "TP/1.1\r\nHost: db:5432\r", "\nX-Two: a\r\nx-two: b\r\n", "\r\nTUNNELLED" })
        {
            await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(piece));
            await Task.Yield();
        }
        var (head, error) = await reading;
        Assert.Null(error);
        Assert.Equal("CONNECT db:5432 HTTP/1.1", head!.StartLine);
        Assert.Equal("a", head.Get("x-two"));
        Assert.Equal(3, head.Headers.Count);
        var rest = await pipe.Reader.ReadAsync();
        Assert.Equal("TUNNELLED", Encoding.ASCII.GetString(rest.Buffer.ToArray()));
    }

    [Fact]
    public async Task A_connection_closed_mid_head_is_an_error_not_a_hang()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("CONNECT db:5432 HTTP/1.1\r\nHost: db"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        var (head, error) = await Http1Head.ReadAsync(pipe.Reader, CancellationToken.None);
        Assert.Null(head);
        Assert.Contains("closed before the end of the message head", error);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nbad header\r\n\r\n", "malformed header field")]
    [InlineData("HTTP/1.1 200 OK\r\nx y: z\r\n\r\n", "malformed header field")]
    [InlineData("HTTP/1.1 200 OK\r\nx: a\nb\r\n\r\n", "control characters")]
    public void Malformed_fields_are_invalid(string text, string reason)
    {
        var outcome = Http1Head.TryParse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out _, out _, out var error);
        Assert.Equal(Http1Head.Outcome.Invalid, outcome);
        Assert.Contains(reason, error);
    }

    [Theory]
    [InlineData("CONNECT reviews:9080 HTTP/1.1", "reviews", 9080)]
    [InlineData("CONNECT 10.0.0.7:443 HTTP/1.1", "10.0.0.7", 443)]
    [InlineData("CONNECT [::1]:8443 HTTP/1.0", "::1", 8443)]
    public void Connect_targets_are_host_and_port(string line, string host, int port)
    {
        var target = ConnectTarget.Parse(line, out var error);
        Assert.Null(error);
        Assert.Equal(host, target!.Host);
        Assert.Equal(port, target.Port);
    }

    [Theory]
    [InlineData("GET reviews:9080 HTTP/1.1")]
    [InlineData("CONNECT reviews:99999 HTTP/1.1")]
    [InlineData("CONNECT reviews:+80 HTTP/1.1")]
    [InlineData("CONNECT [nothex]:80 HTTP/1.1")]
    [InlineData("CONNECT a/b:80 HTTP/1.1")]
    [InlineData("CONNECT  reviews:80 HTTP/1.1")]
    public void Anything_else_is_refused(string line) => Assert.Null(ConnectTarget.Parse(line, out _));
}
