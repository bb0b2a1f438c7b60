using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Filters that exist only in tests, registered through the registry's internal constructor: a "mark"
/// filter that adds its effective config (a string) to the x-ran response header, and a terminal "answer" filter.</summary>
internal static class TestFilters
{
    public const string Mark = "test.mark";
    public const string Answer = "test.answer";

    public static readonly HttpFilterRegistry Registry = new([new MarkFactory(), new AnswerFactory(), new Trellis.Proxy.HttpFilters.Fault.FaultFilterFactory()]);

    public static HttpFilter Filter(string name, string? config = null, bool disabled = false, bool optional = false) => new()
    {
        Name = name,
        TypedConfig = config is null ? null : Any.Pack(new StringValue { Value = config }),
        Disabled = disabled,
        IsOptional = optional,
    };

    public static HttpFilter Terminal() => new() { Name = Answer, TypedConfig = Any.Pack(new Empty()) };

    /// <summary>What the filters of <paramref name="chain"/> write for a GET of <paramref name="path"/> on <paramref name="authority"/>
    /// against <paramref name="routes"/>: the x-ran header and the status.</summary>
    public static async Task<(string Ran, int Status)> RunAsync(HttpFilter[] chain, RouteConfiguration routes, string authority = "h", string path = "/")
    {
        var hcm = HttpConnectionManagerCompiler.Compile("listener \"l\"", new HttpConnectionManager
        {
            StatPrefix = "l",
            Rds = new Rds { RouteConfigName = routes.Name },
            HttpFilters = { chain },
        }, Registry);
        var table = RouteCompiler.Compile(routes, Registry);
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Host = new HostString(authority);
        http.Request.Path = path;
        var listener = TestListeners.Plain("l", 0, TrafficDirection.Outbound, hcm);
        var context = new RequestContext(http, ProxySnapshot.Empty, listener, listener.OnlyChain())
        {
            Routes = table,
            VirtualHost = table.SelectVirtualHost(authority),
        };
        context.Route = context.VirtualHost?.Match(http.Request);
        await new HttpFilterChains(new HttpFilterServices(null!)).Chain(hcm.HttpFilters)(context);
        return (http.Response.Headers["x-ran"].ToString(), http.Response.StatusCode);
    }

    private sealed class MarkFactory : HttpFilterFactory
    {
        public override string Name => Mark;
        public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [StringValue.Descriptor];
        public override IReadOnlyList<MessageDescriptor> RouteConfigTypes => ConfigTypes;
        public override object Compile(IMessage config, string where) => ((StringValue)config).Value;
        public override object CompileForRoute(IMessage config, string where) => ((StringValue)config).Value;
        public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new MarkFilter(filter.Name, (string)filter.Config, filter.Slot);
    }

    private sealed class MarkFilter(string name, string own, int slot) : IHttpFilter
    {
        public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
        {
            var config = context.Route?.FilterConfigs.ConfigOf(slot) as string ?? own;
            context.Http.Response.Headers.Append("x-ran", $"{name}={config}");
            return next(context);
        }
    }

    private sealed class AnswerFactory : HttpFilterFactory
    {
        public override string Name => Answer;
        public override IReadOnlyList<MessageDescriptor> ConfigTypes { get; } = [Empty.Descriptor];
        public override bool IsTerminal => true;
        public override object Compile(IMessage config, string where) => config;
        public override IHttpFilter Create(HttpFilterModel filter, HttpFilterServices services) => new AnswerFilter();
    }

    private sealed class AnswerFilter : IHttpFilter
    {
        public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
        {
            context.Http.Response.StatusCode = 204;
            return Task.CompletedTask;
        }
    }
}
