using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Routing;
using Trellis.Proxy.Tests.Support;

namespace Trellis.Proxy.Tests.Routing;

public class RouteMatcherTests
{
    private static bool Matches(RouteMatch match, Microsoft.AspNetCore.Http.HttpRequest request) => RouteMatcher.From(match, "test").Matches(request);

    private static RegexMatcher Re(string regex) => new() { Regex = regex, GoogleRe2 = new RegexMatcher.Types.GoogleRE2() };

    [Theory]
    [InlineData("/reviews", "/reviews/1", true)]
    [InlineData("/reviews", "/reviewsX", true)]
    [InlineData("/reviews", "/Reviews/1", false)]
    [InlineData("/reviews", "/ratings", false)]
    public void Prefix(string prefix, string path, bool expected) => Assert.Equal(expected, Matches(new RouteMatch { Prefix = prefix }, Requests.Get(path)));

    [Fact]
    public void Path_is_exact_and_ignores_the_query()
    {
        var m = new RouteMatch { Path = "/productpage" };
        Assert.True(Matches(m, Requests.Get("/productpage?u=normal")));
        Assert.False(Matches(m, Requests.Get("/productpage/x")));
    }

    [Fact]
    public void Case_insensitive_when_asked()
    {
        var m = new RouteMatch { Prefix = "/API", CaseSensitive = false };
        Assert.True(Matches(m, Requests.Get("/api/v1")));
    }

    [Theory]
    [InlineData("/reviews/\\d+", "/reviews/12", true)]
    [InlineData("/reviews/\\d+", "/reviews/12/extra", false)] // full match, like RE2
    [InlineData("/reviews/\\d+", "/x/reviews/12", false)]
    [InlineData("/(?P<svc>[a-z]+)/1", "/ratings/1", true)]
    public void Safe_regex_must_match_the_whole_path(string regex, string path, bool expected) =>
        Assert.Equal(expected, Matches(new RouteMatch { SafeRegex = Re(regex) }, Requests.Get(path)));

    [Theory]
    [InlineData("/api", true)]
    [InlineData("/api/v1", true)]
    [InlineData("/api?x=1", true)]
    [InlineData("/apiv1", false)]
    public void Path_separated_prefix(string path, bool expected) =>
        Assert.Equal(expected, Matches(new RouteMatch { PathSeparatedPrefix = "/api" }, Requests.Get(path)));

    [Fact]
    public void Header_string_matchers()
    {
        RouteMatch With(HeaderMatcher h) => new() { Prefix = "/", Headers = { h } };
        var jason = Requests.Get("/", headers: ("end-user", "jason"));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Exact = "jason" } }), jason));
        Assert.False(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Exact = "Jason" } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Exact = "JASON", IgnoreCase = true } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Prefix = "ja" } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Suffix = "son" } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { Contains = "as" } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { SafeRegex = Re("j.*n") } }), jason));
        Assert.False(Matches(With(new HeaderMatcher { Name = "end-user", StringMatch = new StringMatcher { SafeRegex = Re("j.*s") } }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "End-User", ExactMatch = "jason" }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", PrefixMatch = "jas" }), jason));
        Assert.True(Matches(With(new HeaderMatcher { Name = "end-user", SafeRegexMatch = Re("jason") }), jason));
    }

    [Fact]
    public void Absent_headers_satisfy_only_presence_checks_as_in_envoy()
    {
        RouteMatch With(HeaderMatcher h) => new() { Prefix = "/", Headers = { h } };
        var none = Requests.Get("/");
        var some = Requests.Get("/", headers: ("x-canary", "no"));
        Assert.False(Matches(With(new HeaderMatcher { Name = "x-canary", ExactMatch = "yes" }), none));
        Assert.False(Matches(With(new HeaderMatcher { Name = "x-canary", ExactMatch = "yes", InvertMatch = true }), none));
        Assert.True(Matches(With(new HeaderMatcher { Name = "x-canary", ExactMatch = "yes", InvertMatch = true }), some));
        Assert.True(Matches(With(new HeaderMatcher { Name = "x-canary", PresentMatch = true }), some));
        Assert.False(Matches(With(new HeaderMatcher { Name = "x-canary", PresentMatch = true }), none));
        Assert.True(Matches(With(new HeaderMatcher { Name = "x-canary", PresentMatch = true, InvertMatch = true }), none));
        Assert.False(Matches(With(new HeaderMatcher { Name = "x-canary", PresentMatch = true, InvertMatch = true }), some));
        Assert.True(Matches(With(new HeaderMatcher { Name = "x-canary", ExactMatch = "", TreatMissingHeaderAsEmpty = true }), none));
    }

    [Fact]
    public void Pseudo_headers()
    {
        RouteMatch With(string name, string exact) => new() { Prefix = "/", Headers = { new HeaderMatcher { Name = name, StringMatch = new StringMatcher { Exact = exact } } } };
        var post = Requests.Get("/a?b=c", host: "reviews:9080", method: "POST");
        Assert.True(Matches(With(":method", "POST"), post));
        Assert.False(Matches(With(":method", "GET"), post));
        Assert.True(Matches(With(":authority", "reviews:9080"), post));
        Assert.True(Matches(With(":scheme", "http"), post));
        Assert.True(Matches(With(":path", "/a?b=c"), post));
    }

    [Fact]
    public void Query_parameters()
    {
        RouteMatch With(QueryParameterMatcher q) => new() { Prefix = "/", QueryParameters = { q } };
        var request = Requests.Get("/p?version=v2&debug");
        Assert.True(Matches(With(new QueryParameterMatcher { Name = "version", StringMatch = new StringMatcher { Exact = "v2" } }), request));
        Assert.False(Matches(With(new QueryParameterMatcher { Name = "version", StringMatch = new StringMatcher { Exact = "v1" } }), request));
        Assert.True(Matches(With(new QueryParameterMatcher { Name = "debug", PresentMatch = true }), request));
        Assert.False(Matches(With(new QueryParameterMatcher { Name = "missing", PresentMatch = true }), request));
        Assert.True(Matches(With(new QueryParameterMatcher { Name = "version", StringMatch = new StringMatcher { SafeRegex = Re("v[0-9]") } }), request));
    }

    [Fact]
    public void All_conditions_must_hold()
    {
        var m = new RouteMatch { Prefix = "/reviews", Headers = { new HeaderMatcher { Name = "end-user", ExactMatch = "jason" } } };
        Assert.False(Matches(m, Requests.Get("/ratings", headers: ("end-user", "jason"))));
        Assert.False(Matches(m, Requests.Get("/reviews")));
        Assert.True(Matches(m, Requests.Get("/reviews", headers: ("end-user", "jason"))));
    }
}
