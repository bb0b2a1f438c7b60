using Trellis.Proxy.Listeners.Paths;
using EscapedSlashes = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.PathWithEscapedSlashesAction;

namespace Trellis.Proxy.Tests.Listeners.Paths;

/// <summary>The HCM's path normalization as Envoy orders it, and Istio's documented examples per pathNormalization mode.</summary>
public sealed class PathNormalizerTests
{
    private static readonly PathNormalization Base = new(true, false, EscapedSlashes.KeepUnchanged);
    private static readonly PathNormalization Merge = new(true, true, EscapedSlashes.KeepUnchanged);
    private static readonly PathNormalization Decode = new(true, true, EscapedSlashes.UnescapeAndForward);

    private static string Normalized(string path, PathNormalization settings)
    {
        Assert.Equal(PathOutcome.Continue, PathNormalizer.Normalize(path, settings, out var normalized, out _));
        return normalized;
    }

    [Theory]
    [InlineData("/a/../b", "/b")]
    [InlineData("/%4A", "/J")]
    [InlineData("/a\\b", "/a/b")]
    [InlineData("/a/./b/.", "/a/b/")]
    [InlineData("/../../a", "/a")]
    [InlineData("/a/%2e%2E/b", "/b")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a//b", "/a//b")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/caf\u00e9", "/caf%C3%A9")]
    public void Base_resolves_dot_segments_decodes_unreserved_and_turns_backslashes(string path, string expected) => Assert.Equal(expected, Normalized(path, Base));

    [Fact]
    public void Merge_slashes_and_decode_follow_istios_examples()
    {
        Assert.Equal("/a/b", Normalized("/a//b", Merge));
        Assert.Equal("/a/b", Normalized("/a%2Fb", Decode));
        Assert.Equal("/a/b", Normalized("/a%5Cb", Decode));
        Assert.Equal("/a//b", Normalized("/a//b", PathNormalization.None));
        Assert.Equal("/x/../a", Normalized("/x/../a", PathNormalization.None));
    }

    [Fact]
    public void Escaped_slashes_can_be_rejected_or_redirected()
    {
        Assert.Equal(PathOutcome.Reject, PathNormalizer.Normalize("/a%2Fb", new(false, false, EscapedSlashes.RejectRequest), out _, out var why));
        Assert.Contains("REJECT_REQUEST", why);
        Assert.Equal(PathOutcome.Redirect, PathNormalizer.Normalize("/a%5cb/../c", new(true, false, EscapedSlashes.UnescapeAndRedirect), out var target, out _));
        Assert.Equal("/a/c", target);
        Assert.Equal(PathOutcome.Continue, PathNormalizer.Normalize("/a/b", new(false, false, EscapedSlashes.RejectRequest), out _, out _));
    }

    [Theory]
    [InlineData("/a%00b")]
    [InlineData("/a\0b")]
    public void A_nul_is_rejected_in_every_mode(string path)
    {
        Assert.Equal(PathOutcome.Reject, PathNormalizer.Normalize(path, PathNormalization.None, out _, out _));
        Assert.Equal(PathOutcome.Reject, PathNormalizer.Normalize(path, Decode, out _, out _));
    }

    [Theory]
    [InlineData("/admin#x", "/admin", "")]
    [InlineData("/admin?x=1#y", "/admin", "?x=1")]
    [InlineData("http://reviews:9080/a/b?c", "/a/b", "?c")]
    [InlineData("http://reviews:9080", "/", "")]
    public void The_target_splits_into_path_and_query_without_its_fragment(string target, string path, string query) =>
        Assert.Equal((path, query), PathNormalizer.Split(target));
}
