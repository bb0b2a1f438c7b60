using System.Buffers;
using Trellis.Proxy.Listeners.FilterChains;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>Envoy's envoy.filters.listener.tls_inspector: a TLS ClientHello makes the transport protocol "tls" and
/// gives the server name and ALPN protocols; other bytes leave the connection raw_buffer; a ClientHello that does not
/// fit in <see cref="ClientHello.MaxLength"/> bytes closes the connection.</summary>
internal sealed class TlsInspector : IListenerFilter
{
    public const string FilterName = "envoy.filters.listener.tls_inspector";
    public const string TypeUrl = "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector";

    public static readonly TlsInspector Instance = new();

    private TlsInspector()
    {
    }

    public PeekVerdict Inspect(ReadOnlySequence<byte> received, bool ended, ConnectionFacts facts)
    {
        var head = received.Length > ClientHello.MaxLength ? received.Slice(0, ClientHello.MaxLength) : received;
        var status = ClientHello.Parse(head.IsSingleSegment ? head.FirstSpan : head.ToArray(), out var hello);
        switch (status)
        {
            case ClientHelloStatus.Found:
                facts.TransportProtocol = "tls";
                facts.ServerName = hello!.ServerName;
                facts.ApplicationProtocols = hello.ApplicationProtocols;
                return PeekVerdict.Done;
            case ClientHelloStatus.NeedMore:
                return head.Length >= ClientHello.MaxLength ? PeekVerdict.Close : PeekVerdict.NeedMore;
            case ClientHelloStatus.TooLarge:
                return PeekVerdict.Close;
            default:
                return PeekVerdict.Done;
        }
    }
}
