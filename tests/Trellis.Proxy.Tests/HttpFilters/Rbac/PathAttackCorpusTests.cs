using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Trellis.Proxy.Tests.Support;
using static Trellis.Proxy.Tests.Support.Envoy;
using EscapedSlashes = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.PathWithEscapedSlashesAction;

namespace Trellis.Proxy.Tests.HttpFilters.Rbac;

/// <summary>The path attack corpus against a DENY policy on "/admin*", through a real listener, in each of Istio's
/// pathNormalization modes as the HCM flags it sets. Every target is denied (403), rejected (400), or reaches the
/// app as exactly the path the policy judged, so no spelling of /admin gets past the policy and then turns into
/// /admin behind it (CVE-2021-31920, the fragment bypass). Where a mode leaves a spelling alone, as Envoy does, the
/// app receives that spelling verbatim.</summary>
public sealed class PathAttackCorpusTests : IAsyncLifetime
{
    private const string Ratings = "inbound|9080||";
    private const string Denied = "403";
    private const string Rejected = "400";

    private static readonly string[] Modes = ["NONE", "BASE", "MERGE_SLASHES", "DECODE_AND_MERGE_SLASHES"];

    private TestProxy _proxy = null!;
    private Upstream _app = null!;
    private readonly Dictionary<string, int> _ports = [];

    public async Task InitializeAsync()
    {
        _proxy = await TestProxy.StartAsync();
        _app = await Upstream.StartAsync("ratings-v1", app => app.Use(async (http, next) =>
        {
            http.Response.Headers["x-seen-raw"] = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
            await next(http);
        }));
        var listeners = new List<Google.Protobuf.IMessage>();
        foreach (var mode in Modes)
        {
            _ports[mode] = Ports.Free();
            listeners.Add(Hcms.Listener("inbound-" + mode, _ports[mode], WithMode(Hcms.Hcm("inbound", Hcms.Filter("envoy.filters.http.rbac", RbacPolicies.DenyAdminPrefix())), mode)));
        }
        await _proxy.PushAsync([Eds(Ratings)], [Endpoints(Ratings, _app.Port)], listeners.ToArray(), [Routes("inbound", Host("ratings", ["*"], ToCluster(Ratings)))]);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Istio's pathNormalization modes, as the HCM fields they set.</summary>
    private static HttpConnectionManager WithMode(HttpConnectionManager hcm, string mode)
    {
        if (mode == "NONE") return hcm;
        hcm.NormalizePath = true;
        if (mode == "BASE") return hcm;
        hcm.MergeSlashes = true;
        if (mode == "DECODE_AND_MERGE_SLASHES") hcm.PathWithEscapedSlashesAction = EscapedSlashes.UnescapeAndForward;
        return hcm;
    }

    /// <summary>Target, then the outcome in NONE, BASE, MERGE_SLASHES, DECODE_AND_MERGE_SLASHES: 403, 400, or the path the app receives.</summary>
    public static TheoryData<string, string, string, string, string> Corpus => new()
    {
        { "/admin", Denied, Denied, Denied, Denied },
        { "//admin", "//admin", "//admin", Denied, Denied },
        { "/./admin", "/./admin", Denied, Denied, Denied },
        { "/x/../admin", "/x/../admin", Denied, Denied, Denied },
        { "/%61dmin", "/%61dmin", Denied, Denied, Denied },
        { "/%2e%2e/admin", "/%2e%2e/admin", Denied, Denied, Denied },
        { "/admin%2f..", Denied, Denied, Denied, "/" },
        { "/x%2f..%2fadmin", "/x%2f..%2fadmin", "/x%2F..%2Fadmin", "/x%2F..%2Fadmin", Denied },
        { "/%5cadmin", "/%5cadmin", "/%5Cadmin", "/%5Cadmin", Denied },
        { "/ADMIN", "/ADMIN", "/ADMIN", "/ADMIN", "/ADMIN" },
        { "/admin#x", Denied, Denied, Denied, Denied },
        { "/admin?x", Denied, Denied, Denied, Denied },
        { "/admin%00", Rejected, Rejected, Rejected, Rejected },
        { "/%00/admin", Rejected, Rejected, Rejected, Rejected },
        { "/ok/../ok?q=/admin", "/ok/../ok?q=/admin", "/ok?q=/admin", "/ok?q=/admin", "/ok?q=/admin" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Each_spelling_of_admin_is_denied_rejected_or_reaches_the_app_as_judged(string target, string none, string @base, string merge, string decode)
    {
        string[] expected = [none, @base, merge, decode];
        for (var i = 0; i < Modes.Length; i++)
        {
            var answer = await RawHttp.GetAsync(_ports[Modes[i]], target);
            // The app's own answer may be a 404 (its fallback route takes no dotted names); its header says it was reached.
            var got = answer.Header("x-seen-raw") ?? answer.Status.ToString();
            Assert.True(expected[i] == got, $"{Modes[i]} {target}: expected {expected[i]}, got {answer.Status} {got} {answer.Body}");
            if (answer.Status == 403) Assert.Equal("RBAC: access denied", answer.Body);
        }
    }

    [Fact]
    public async Task A_backslash_spelling_is_refused_before_it_is_matched()
    {
        foreach (var mode in Modes)
        {
            var answer = await RawHttp.GetAsync(_ports[mode], "\\admin");
            Assert.True(answer.Status is 400 or 403, $"{mode}: \\admin got {answer.Status}");
        }
        Assert.Equal(403, (await RawHttp.GetAsync(_ports["BASE"], "/x\\..\\admin")).Status);
    }
}
