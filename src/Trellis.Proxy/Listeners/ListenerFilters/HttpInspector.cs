using System.Buffers;
using Trellis.Proxy.Listeners.FilterChains;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>Envoy's envoy.filters.listener.http_inspector: on a plaintext connection, the HTTP/2 preface gives the
/// application protocol "h2c", an HTTP/1.x request line "http/1.1" or "http/1.0"; anything else, or no decision
/// within the first 8 KiB, gives none. A connection another filter found to be TLS is left alone.</summary>
internal sealed class HttpInspector : IListenerFilter
{
    public const string FilterName = "envoy.filters.listener.http_inspector";
    public const string TypeUrl = "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector";

    /// <summary>Envoy's http_inspector reads at most this much.</summary>
    public const int MaxInspect = 8192;

    public static readonly HttpInspector Instance = new();

    private static readonly string[] H2c = ["h2c"];
    private static readonly string[] Http11 = ["http/1.1"];
    private static readonly string[] Http10 = ["http/1.0"];

    private HttpInspector()
    {
    }

    public PeekVerdict Inspect(ReadOnlySequence<byte> received, bool ended, ConnectionFacts facts)
    {
        if (facts.TransportProtocol != ConnectionFacts.RawBuffer) return PeekVerdict.Done;
        Span<byte> head = stackalloc byte[(int)Math.Min(received.Length, MaxInspect)];
        received.Slice(0, head.Length).CopyTo(head);
        var (verdict, protocol) = HttpProtocolSniffer.Sniff(head);
        if (verdict == PeekVerdict.NeedMore && head.Length == MaxInspect) return PeekVerdict.Done;
        if (protocol is not null)
            facts.ApplicationProtocols = protocol switch
            {
                HttpProtocolSniffer.H2c => H2c,
                HttpProtocolSniffer.Http11 => Http11,
                _ => Http10,
            };
        return verdict;
    }
}
