namespace Trellis.Proxy.Completion;

/// <summary>What a <see cref="CompletionRecord"/> describes.</summary>
internal enum CompletionKind
{
    /// <summary>One HTTP request (stream) handled by a connection manager.</summary>
    Request,

    /// <summary>One CONNECT tunnel: the CONNECT request and, once it was established, the bytes it carried.</summary>
    Connection,
}
