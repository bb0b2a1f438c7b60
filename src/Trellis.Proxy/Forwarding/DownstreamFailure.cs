using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Trellis.Proxy.Forwarding;

/// <summary>Tells a failure of the client from a failure of the upstream host, as Envoy does: a request the
/// client sent malformed (a bad chunked body) is a downstream protocol error (DPE, answered 400), a client
/// that went away mid-exchange is a downstream connection termination (DC); neither says anything about the
/// host, so neither may count against it in outlier detection or be retried.</summary>
internal static class DownstreamFailure
{
    /// <summary>The downstream flag for this forwarding error, or null when the upstream side failed (or nothing did).
    /// <paramref name="timedOut"/>: the route's own timeout cancelled the exchange, which is the upstream's doing.</summary>
    public static string? FlagFor(HttpContext http, ForwarderError error, bool timedOut)
    {
        if (error == ForwarderError.None) return null;
        if (http.RequestAborted.IsCancellationRequested) return ResponseFlags.DownstreamConnectionTermination;
        var clientSide = error switch
        {
            ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient => true,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled => !timedOut,
            _ => false,
        };
        if (!clientSide) return null;
        return IsMalformedRequest(http.Features.Get<IForwarderErrorFeature>()?.Exception)
            ? ResponseFlags.DownstreamProtocolError
            : ResponseFlags.DownstreamConnectionTermination;
    }

    /// <summary>Kestrel reports request bytes that break HTTP framing as BadHttpRequestException.</summary>
    private static bool IsMalformedRequest(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is BadHttpRequestException) return true;
        return false;
    }
}
