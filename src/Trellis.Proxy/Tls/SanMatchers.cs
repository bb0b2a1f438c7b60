using System.Security.Cryptography.X509Certificates;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;
using SanType = Envoy.Extensions.TransportSockets.Tls.V3.SubjectAltNameMatcher.Types.SanType;

namespace Trellis.Proxy.Tls;

/// <summary>match_typed_subject_alt_names and the older match_subject_alt_names: a peer passes when any of its SANs
/// matches any matcher (of that SAN's type; the untyped form matches every type). An exact DNS matcher accepts a
/// wildcard certificate name for one label, as Envoy's dnsNameMatch does.</summary>
internal sealed class SanMatchers
{
    public static readonly SanMatchers None = new([]);

    private readonly (SanType? Type, StringMatch Match, string? ExactDns)[] _matchers;

    private SanMatchers((SanType?, StringMatch, string?)[] matchers) => _matchers = matchers;

    public bool IsEmpty => _matchers.Length == 0;

    public static SanMatchers Compile(CertificateValidationContext context, string where)
    {
        var matchers = new List<(SanType?, StringMatch, string?)>();
        for (var i = 0; i < context.MatchTypedSubjectAltNames.Count; i++)
        {
            var typed = context.MatchTypedSubjectAltNames[i];
            var field = $"{where} match_typed_subject_alt_names[{i}]";
            if (typed.SanType is SanType.Unspecified or SanType.OtherName)
                throw new ConfigException($"{field}: san_type {typed.SanType} is not supported (EMAIL, DNS, URI or IP_ADDRESS)");
            if (typed.Matcher is null) throw new ConfigException($"{field}: matcher is required");
            matchers.Add((typed.SanType, StringMatch.From(typed.Matcher, field), ExactDns(typed.SanType, typed.Matcher)));
        }
        for (var i = 0; i < context.MatchSubjectAltNames.Count; i++)
        {
            var matcher = context.MatchSubjectAltNames[i];
            matchers.Add((null, StringMatch.From(matcher, $"{where} match_subject_alt_names[{i}]"), ExactDns(SanType.Dns, matcher)));
        }
        return new SanMatchers(matchers.ToArray());
    }

    /// <summary>Null when no matcher is configured or one matches; otherwise why the peer was refused.</summary>
    public string? Verify(X509Certificate2 peer)
    {
        if (_matchers.Length == 0) return null;
        var names = SubjectAltNames.Of(peer);
        foreach (var (type, value) in names)
            foreach (var (wanted, match, exactDns) in _matchers)
            {
                if (wanted is { } t && t != type) continue;
                if (match.Matches(value)) return null;
                if (type == SanType.Dns && exactDns is not null && WildcardMatches(value, exactDns)) return null;
            }
        var presented = names.Count == 0 ? "none" : string.Join(", ", names.Select(n => n.Value));
        return $"peer certificate SANs [{presented}] match none of the configured subject alt names";
    }

    private static string? ExactDns(SanType type, StringMatcher matcher) =>
        type == SanType.Dns && matcher.MatchPatternCase == StringMatcher.MatchPatternOneofCase.Exact ? matcher.Exact : null;

    /// <summary>"*.example.com" in the certificate stands for exactly one label of the wanted name.</summary>
    private static bool WildcardMatches(string certificateName, string wanted)
    {
        if (!certificateName.StartsWith("*.", StringComparison.Ordinal)) return false;
        var dot = wanted.IndexOf('.');
        return dot > 0 && wanted.AsSpan(dot).Equals(certificateName.AsSpan(1), StringComparison.OrdinalIgnoreCase);
    }
}
