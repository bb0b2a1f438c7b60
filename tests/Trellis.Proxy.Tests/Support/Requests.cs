using Microsoft.AspNetCore.Http;

namespace Trellis.Proxy.Tests.Support;

internal static class Requests
{
    public static HttpRequest Get(string pathAndQuery, string host = "reviews:9080", string method = "GET", params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var q = pathAndQuery.IndexOf('?');
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        context.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        context.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(pathAndQuery[q..]);
        foreach (var (name, value) in headers) context.Request.Headers.Append(name, value);
        return context.Request;
    }
}
