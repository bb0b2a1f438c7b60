using System.Text;
using CsCheck;
using Trellis.Proxy.Listeners.ListenerFilters;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Listeners.ListenerFilters;

/// <summary>Property tests on the ClientHello reader, which runs on bytes from anyone: any bytes give a decision or a
/// need for more, never an exception; a decision on a prefix never changes as more bytes arrive; what it reports is
/// what the client wrote.</summary>
public sealed class ClientHelloFuzzTests
{
    private static readonly Gen<string> Name = Gen.OneOf(
        Gen.OneOfConst("reviews.bookinfo.svc.cluster.local", "a", "*.example.com", new string('n', 255), new string('n', 256), "with\0nul", ""),
        Gen.String[Gen.Char['\0', '\xff'], 0, 40]);

    private static readonly Gen<string[]> Alpn = Gen.OneOf(
        Gen.OneOfConst<string[]>([], ["h2", "http/1.1"], ["istio-peer-exchange", "istio"], [""]),
        Gen.String[Gen.Char['!', '~'], 0, 12].Array[0, 5]);

    private static readonly Gen<(ushort, byte[])[]> Extra = Gen.Select(Gen.UShort[0, 40], Gen.Byte.Array[0, 20], (t, d) => (t, d)).Array[0, 4];

    /// <summary>Well-formed hellos (cut into records of any size), then bytes flipped, cut off or appended.</summary>
    private static readonly Gen<byte[]> Hello = Gen.Select(Gen.OneOf(Name.Select(n => (string?)n), Gen.Const((string?)null)), Alpn, Gen.Int[1, 400], Extra,
        (name, alpn, record, extra) => ClientHelloBytes.Build(name, alpn, record, extra));

    private static readonly Gen<byte[]> Mutated = Gen.Select(Hello, Gen.Select(Gen.Int[0, 2000], Gen.Byte).Array[0, 4], Gen.Int[0, 3000], Gen.Byte.Array[0, 40],
        (hello, flips, keep, tail) =>
        {
            var bytes = hello.ToArray();
            foreach (var (at, value) in flips)
                if (at < bytes.Length) bytes[at] = value;
            return bytes.Take(Math.Max(keep, 0)).Concat(tail).ToArray();
        });

    private static readonly Gen<byte[]> AnyBytes = Gen.Frequency(
        (3, Hello),
        (4, Mutated),
        (2, Gen.Byte.Array[0, 300]),
        (1, Gen.Byte.Array[0, 300].Select(b => (byte[])[22, 3, .. b])));

    [Fact]
    public void Any_bytes_give_a_decision_that_more_bytes_never_change()
    {
        Fuzz.Check(Gen.Select(AnyBytes, Gen.Int[0, 3000]), input =>
        {
            var (bytes, cut) = input;
            var whole = ClientHello.Parse(bytes, out var hello);
            var prefix = ClientHello.Parse(bytes.AsSpan(0, Math.Min(cut, bytes.Length)), out var early);
            if (prefix != ClientHelloStatus.NeedMore)
            {
                Assert.Equal(prefix, whole);
                Assert.Equal(early?.ServerName, hello?.ServerName);
                Assert.Equal(early?.ApplicationProtocols, hello?.ApplicationProtocols);
            }
            if (whole != ClientHelloStatus.Found) return;
            Assert.InRange(hello!.ServerName.Length, 0, 255);
            Assert.DoesNotContain('\0', hello.ServerName);
            Assert.All(hello.ApplicationProtocols, p => Assert.NotEmpty(p));
        }, iterations: 20000);
    }

    [Fact]
    public void A_well_formed_hello_reports_exactly_what_the_client_wrote()
    {
        Fuzz.Check(Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 60], Gen.String[Gen.Char['!', '~'], 1, 12].Array[0, 5], Gen.Int[1, 400]), input =>
        {
            var (name, alpn, record) = input;
            Assert.Equal(ClientHelloStatus.Found, ClientHello.Parse(ClientHelloBytes.Build(name, alpn, record), out var hello));
            Assert.Equal(name, hello!.ServerName);
            Assert.Equal(alpn, hello.ApplicationProtocols);
        }, iterations: 5000);
    }

    [Fact]
    public void Names_the_server_name_extension_refuses_are_not_tls()
    {
        foreach (var name in new[] { "", new string('n', 256), "with\0nul" })
            Assert.Equal(ClientHelloStatus.NotTls, ClientHello.Parse(ClientHelloBytes.Build(name, []), out _));
        Assert.Equal(ClientHelloStatus.Found, ClientHello.Parse(ClientHelloBytes.Build(Encoding.Latin1.GetString(new byte[] { 0xe9 }), []), out _));
    }
}
