using System.Buffers;
using Trellis.Proxy.Listeners.FilterChains;

namespace Trellis.Proxy.Listeners.ListenerFilters;

/// <summary>An Envoy listener filter that inspects a new connection's first bytes, without consuming them, and records
/// what it recognises (transport, server name, application protocols) for filter chain matching.</summary>
internal interface IListenerFilter
{
    /// <summary>Looks at everything received so far; <paramref name="ended"/> when nothing more will come.</summary>
    PeekVerdict Inspect(ReadOnlySequence<byte> received, bool ended, ConnectionFacts facts);
}

internal enum PeekVerdict
{
    /// <summary>Undecided: wait for more bytes (until the listener filter timeout).</summary>
    NeedMore,

    /// <summary>Decided, whether or not the filter recognised anything: the next filter runs.</summary>
    Done,

    /// <summary>The connection is refused (as Envoy closes one whose TLS ClientHello is too large).</summary>
    Close,
}
