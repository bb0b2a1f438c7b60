using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.JwtAuthn.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Forwarding;
using Trellis.Proxy.HttpFilters;
using Trellis.Proxy.HttpFilters.JwtAuthn;
using Trellis.Proxy.Listeners;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.HttpFilters.JwtAuthn;

/// <summary>Runs the jwt_authn filter on one request and reports what the app would have seen.</summary>
internal static class JwtAuthnHarness
{
    private static readonly HttpConnectionManagerModel Hcm = HttpConnectionManagerCompiler.Compile("listener \"l\"", new HttpConnectionManager
    {
        StatPrefix = "l",
        Rds = new Rds { RouteConfigName = "r" },
        HttpFilters = { TestFilters.Terminal() },
    }, TestFilters.Registry);

    public sealed record Outcome(bool Passed, int Status, string Body, IHeaderDictionary Response, IHeaderDictionary Request, DynamicMetadata? Metadata)
    {
        public Struct? IstioAuthn => Metadata is not null && Metadata.TryGet(JwtOutputs.IstioAuthn, out var s) ? s : null;
    }

    public static JwtProvider Provider(TestIssuer issuer, params string[] audiences)
    {
        var provider = new JwtProvider
        {
            Issuer = issuer.Issuer,
            LocalJwks = new DataSource { InlineString = issuer.Jwks },
            PayloadInMetadata = "payload",
        };
        provider.Audiences.Add(audiences);
        return provider;
    }

    /// <summary>The filter config istiod writes for these rules: origins-N, each "provider or allow_missing"
    /// and, with several, also any single provider.</summary>
    public static JwtAuthentication IstioRequirement(params JwtProvider[] providers)
    {
        var config = new JwtAuthentication { BypassCorsPreflight = true };
        var inner = new JwtRequirementAndList();
        var outer = new JwtRequirementOrList();
        for (var i = 0; i < providers.Length; i++)
        {
            var name = $"origins-{i}";
            config.Providers[name] = providers[i];
            inner.Requirements.Add(new JwtRequirement
            {
                RequiresAny = new JwtRequirementOrList
                {
                    Requirements = { new JwtRequirement { ProviderName = name }, new JwtRequirement { AllowMissing = new Empty() } },
                },
            });
            outer.Requirements.Add(new JwtRequirement { ProviderName = name });
        }
        JwtRequirement requires = providers.Length == 1 ? inner.Requirements[0] : new JwtRequirement { RequiresAny = outer };
        if (providers.Length > 1) outer.Requirements.Add(new JwtRequirement { RequiresAll = inner });
        config.Rules.Add(new RequirementRule { Match = new RouteMatch { Prefix = "/" }, Requires = requires });
        return config;
    }

    public static async Task<Outcome> SendAsync(JwtAuthentication config, Action<HttpRequest>? setup = null, string path = "/headers")
    {
        var filter = new JwtAuthnFilter(JwtAuthnPolicy.From(config, "test"));
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("httpbin.foo:8000");
        var query = path.IndexOf('?');
        http.Request.Path = query < 0 ? path : path[..query];
        if (query >= 0) http.Request.QueryString = new QueryString(path[query..]);
        var body = new MemoryStream();
        http.Response.Body = body;
        setup?.Invoke(http.Request);
        var listener = TestListeners.Plain("virtualInbound", 0, TrafficDirection.Inbound, Hcm);
        var context = new RequestContext(http, ProxySnapshot.Empty, listener, listener.OnlyChain());
        var passed = false;
        await filter.InvokeAsync(context, _ =>
        {
            passed = true;
            return Task.CompletedTask;
        });
        return new Outcome(passed, http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http.Response.Headers, http.Request.Headers, context.Metadata);
    }

    public static Action<HttpRequest> Bearer(string token) => r => r.Headers.Authorization = $"Bearer {token}";
}
