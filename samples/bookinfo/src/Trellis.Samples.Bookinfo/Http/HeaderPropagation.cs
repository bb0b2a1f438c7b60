using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;

namespace Trellis.Samples.Bookinfo.Http;

/// <summary>The incoming request headers a Bookinfo service copies onto its backend calls, so the mesh can
/// join spans into one trace and route by end user (the list Istio's Bookinfo services propagate).</summary>
public sealed class HeaderPropagation
{
    /// <summary>Header names copied from the incoming request, as in Istio's productpage and reviews.</summary>
    public static readonly ImmutableArray<string> HeaderNames =
    [
        "x-request-id",
        "traceparent",
        "tracestate",
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "x-b3-flags",
        "b3",
        "x-ot-span-context",
        "x-cloud-trace-context",
        "grpc-trace-bin",
        "sw8",
        "user-agent",
        "cookie",
        "authorization",
        "jwt",
        "end-user",
    ];

    /// <summary>Nothing to forward.</summary>
    public static readonly HeaderPropagation None = new([]);

    private readonly ImmutableArray<KeyValuePair<string, string[]>> _headers;

    private HeaderPropagation(ImmutableArray<KeyValuePair<string, string[]>> headers) => _headers = headers;

    /// <summary>The headers, in <see cref="HeaderNames"/> order, that this instance will set.</summary>
    public IEnumerable<KeyValuePair<string, string[]>> Headers => _headers;

    /// <summary>Captures the propagated headers present on <paramref name="incoming"/>.</summary>
    public static HeaderPropagation From(IHeaderDictionary incoming)
    {
        var builder = ImmutableArray.CreateBuilder<KeyValuePair<string, string[]>>();
        foreach (var name in HeaderNames)
        {
            if (!incoming.TryGetValue(name, out var values) || values.Count == 0) continue;
            var kept = values.Where(v => v is not null).Select(v => v!).ToArray();
            if (kept.Length > 0) builder.Add(new(name, kept));
        }
        return new HeaderPropagation(builder.ToImmutable());
    }

    /// <summary>A copy whose <c>end-user</c> is <paramref name="user"/>: the signed-in user outranks a forwarded one.</summary>
    public HeaderPropagation WithEndUser(string user) =>
        new(_headers.RemoveAll(h => h.Key == "end-user").Add(new("end-user", [user])));

    /// <summary>Sets the captured headers on an outgoing request.</summary>
    public void ApplyTo(HttpRequestMessage request)
    {
        foreach (var (name, values) in _headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, values);
        }
    }
}
