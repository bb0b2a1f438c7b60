using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.Connections;
using Trellis.Proxy.Tests.Support;
using Trellis.Proxy.Tunnels;

namespace Trellis.Proxy.Tests.Tunnels;

/// <summary>Property tests on what reads a CONNECT off the network before Kestrel does: any bytes, cut into any
/// reads, give a head, a need for more, or a reason, never an exception or a hang; and what they accept is sane.</summary>
public sealed class ConnectHeadFuzzTests
{
    private const string Tokens = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>The characters that matter to the parser, and some that must never matter.</summary>
    private static readonly Gen<char> Interesting = Gen.Frequency(
        (6, Gen.Char[Tokens]),
        (3, Gen.Char[" :\t[]\r\n"]),
        (1, Gen.Char['\0', '\x1f']),
        (1, Gen.Char['\x7f', '\xff']));

    private static readonly Gen<string> Host = Gen.OneOf(
        Gen.OneOfConst("db", "reviews.bookinfo.svc.cluster.local", "127.0.0.1", "[::1]", "[fe80::1%eth0]", "[]", "[", "", "a..b", new string('a', 300)),
        Gen.String[Interesting, 0, 20]);

    private static readonly Gen<string> Port = Gen.OneOf(
        Gen.OneOfConst("80", "0", "65535", "65536", "-1", "+80", "0080", "99999999999999999999", ""),
        Gen.String[Interesting, 0, 8]);

    private static readonly Gen<string> RequestLine = Gen.Select(
        Gen.OneOfConst("CONNECT", "connect", "GET", "CONNECT "),
        Host, Port,
        Gen.OneOfConst(" HTTP/1.1", " HTTP/1.0", " HTTP/2", "", " HTTP/1.1 extra"),
        (method, host, port, version) => $"{method} {host}:{port}{version}");

    private static readonly Gen<string> HeaderLine = Gen.OneOf(
        Gen.Select(Gen.String[Gen.Char[Tokens], 0, 12], Gen.String[Interesting, 0, 40], (name, value) => $"{name}: {value}"),
        Gen.OneOfConst(" folded", "no-colon", ":empty-name", "x: \x01", "x:\t tabbed \t", "Host: other:1"),
        Gen.String[Interesting, 0, 60]);

    private static readonly Gen<byte[]> StructuredHead = Gen.Select(RequestLine, HeaderLine.Array[0, 8], Gen.OneOfConst("\r\n\r\n", "\r\n", "\n\n", "", "\r\n\r\nTUNNELLED"),
        (line, headers, end) => Encoding.Latin1.GetBytes(line + string.Concat(headers.Select(h => "\r\n" + h)) + end));

    /// <summary>Structured heads, raw bytes, and heads near the size and count limits.</summary>
    private static readonly Gen<byte[]> AnyHead = Gen.Frequency(
        (6, StructuredHead),
        (2, Gen.Byte.Array[0, 300]),
        (1, Gen.Int[Http1Head.MaxLength - 40, Http1Head.MaxLength + 40].Select(n =>
            Encoding.ASCII.GetBytes("CONNECT db:1 HTTP/1.1\r\nx: " + new string('v', Math.Max(0, n - 31)) + "\r\n\r\n"))),
        (1, Gen.Int[Http1Head.MaxHeaders - 2, Http1Head.MaxHeaders + 2].Select(n =>
            Encoding.ASCII.GetBytes("CONNECT db:1 HTTP/1.1" + string.Concat(Enumerable.Repeat("\r\nx: y", n)) + "\r\n\r\n"))));

    [Fact]
    public void Any_bytes_in_any_segments_parse_the_same_and_never_throw()
    {
        Fuzz.Check(Gen.Select(AnyHead, Gen.Int[0, 400].Array[0, 6]), input =>
        {
            var (bytes, cuts) = input;
            var whole = Http1Head.TryParse(new ReadOnlySequence<byte>(bytes), out var head, out var end, out var error);
            var split = Segments.Split(bytes, cuts);
            var pieces = Http1Head.TryParse(split, out var splitHead, out var splitEnd, out var splitError);

            Assert.Equal(whole, pieces);
            Assert.Equal(error, splitError);
            Assert.Equal(head?.StartLine, splitHead?.StartLine);
            Assert.Equal(head?.Headers, splitHead?.Headers);
            switch (whole)
            {
                case Http1Head.Outcome.Complete:
                    Assert.Null(error);
                    Assert.True(Http1Head.IsFieldValue(head!.StartLine));
                    Assert.All(head.Headers, h => Assert.True(h.Key.AsSpan().ContainsOnlyToken() && Http1Head.IsFieldValue(h.Value)));
                    Assert.InRange(head.Headers.Count, 0, Http1Head.MaxHeaders);
                    Assert.InRange(new ReadOnlySequence<byte>(bytes).Slice(0, end).Length, 4, Http1Head.MaxLength);
                    Assert.Equal(split.Slice(0, splitEnd).Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
                    break;
                case Http1Head.Outcome.Invalid:
                    Assert.False(string.IsNullOrEmpty(error));
                    break;
                default:
                    Assert.True(bytes.Length < Http1Head.MaxLength);
                    break;
            }
        }, iterations: 3000);
    }

    [Fact]
    public void Any_bytes_arriving_in_any_reads_end_in_a_head_or_a_reason()
    {
        Fuzz.Check(Gen.Select(AnyHead, Gen.Int[1, 64]), input =>
        {
            var (bytes, chunk) = input;
            var pipe = new Pipe();
            var reading = Http1Head.ReadAsync(pipe.Reader, CancellationToken.None).AsTask();
            for (var at = 0; at < bytes.Length; at += chunk)
                pipe.Writer.WriteAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at))).AsTask().GetAwaiter().GetResult();
            pipe.Writer.Complete();
            var (head, error) = reading.GetAwaiter().GetResult();
            Assert.True(head is null != error is null);
        }, iterations: 1000);
    }

    [Fact]
    public void Any_request_line_gives_a_valid_target_or_a_reason_and_targets_round_trip()
    {
        Fuzz.Check(Gen.Frequency((4, RequestLine), (1, Gen.String[Interesting, 0, 80])), line =>
        {
            var target = ConnectTarget.Parse(line, out var error);
            if (target is null)
            {
                Assert.False(string.IsNullOrEmpty(error));
                return;
            }
            Assert.Null(error);
            Assert.InRange(target.Port, 1, 65535);
            Assert.True(Http1Head.IsFieldValue(target.Authority));
            Assert.Equal(target, ConnectTarget.Parse($"CONNECT {target.Authority} {target.Version}", out _));
        }, iterations: 3000);
    }

    [Fact]
    public void Any_accepted_head_becomes_a_request_the_router_can_read()
    {
        Fuzz.Check(StructuredHead, bytes =>
        {
            if (Http1Head.TryParse(new ReadOnlySequence<byte>(bytes), out var head, out _, out _) != Http1Head.Outcome.Complete) return;
            if (ConnectTarget.Parse(head!.StartLine, out _) is not { } target) return;
            var http = ConnectRequest.Create(new DefaultConnectionContext(), target, head, new TunnelCompletion());
            Assert.Equal("CONNECT", http.Request.Method);
            Assert.Equal(target.Authority, http.Request.Host.Value);
            foreach (var (name, values) in http.Request.Headers) Assert.NotNull(name);
        }, iterations: 2000);
    }
}
