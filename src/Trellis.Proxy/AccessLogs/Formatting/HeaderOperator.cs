using System.Text;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Listeners;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>%REQ(X?Y):Z% and %RESP(X?Y):Z%: a request or response header, or the alternative when the first is absent.
/// Pseudo-headers name what HTTP/2 carries in them (:method, :path with its query, :authority, :scheme, :status).</summary>
internal sealed class HeaderOperator : CommandOperator
{
    private enum Source
    {
        Header,
        Method,
        Path,
        Authority,
        Scheme,
        Status,
        UserAgent,
        RequestId,
        None,
    }

    private readonly bool _response;
    private readonly (Source Source, string Name) _first;
    private readonly (Source Source, string Name)? _alternative;

    public HeaderOperator(bool response, string name, string? alternative)
    {
        _response = response;
        _first = (SourceOf(response, name), name);
        _alternative = alternative is null ? null : (SourceOf(response, alternative), alternative);
    }

    protected override bool TryAppendValue(StringBuilder output, in CompletionRecord record) =>
        TryAppend(output, record, _first) || (_alternative is { } alternative && TryAppend(output, record, alternative));

    private static Source SourceOf(bool response, string name) => name.ToLowerInvariant() switch
    {
        ":status" when response => Source.Status,
        ":method" when !response => Source.Method,
        ":path" when !response => Source.Path,
        ":authority" when !response => Source.Authority,
        ":scheme" when !response => Source.Scheme,
        "user-agent" when !response => Source.UserAgent,
        ConnectionManager.RequestIdHeader when !response => Source.RequestId,
        _ when name.StartsWith(':') => Source.None,
        _ => Source.Header,
    };

    private bool TryAppend(StringBuilder output, in CompletionRecord record, (Source Source, string Name) header)
    {
        var http = record.Kind == CompletionKind.Request;
        var value = header.Source switch
        {
            Source.Method => record.Method,
            Source.Path when http => record.Query is { Length: > 0 } query ? record.Path + query : record.Path,
            Source.Authority => record.Authority,
            Source.Scheme when http => record.Scheme,
            Source.UserAgent => record.UserAgent,
            Source.RequestId => record.RequestId,
            Source.Header => Lookup(_response ? record.ResponseHeaders : record.RequestHeaders, header.Name),
            _ => null,
        };
        if (header.Source == Source.Status && record.ResponseCode != 0)
        {
            output.Append(record.ResponseCode);
            return true;
        }
        if (string.IsNullOrEmpty(value)) return false;
        output.Append(value);
        return true;
    }

    private static string? Lookup(Microsoft.AspNetCore.Http.IHeaderDictionary? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;
}
