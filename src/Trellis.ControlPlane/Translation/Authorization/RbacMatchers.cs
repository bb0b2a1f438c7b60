using System.Text;
using Envoy.Config.Core.V3;
using Envoy.Config.Rbac.V3;
using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Trellis.Config.Semantics;

namespace Trellis.ControlPlane.Translation.Authorization;

/// <summary>Envoy matchers as istiod's authz matcher package writes them: "*" alone, "*suffix" and "prefix*".</summary>
internal static class RbacMatchers
{
    /// <summary>The dynamic metadata namespace the jwt_authn filter writes the verified token's facts into.</summary>
    public const string AuthnNamespace = "istio_authn";

    public static StringMatcher Exact(string value, bool ignoreCase = false) => new() { Exact = value, IgnoreCase = ignoreCase };

    public static StringMatcher Prefix(string value, bool ignoreCase = false) => new() { Prefix = value, IgnoreCase = ignoreCase };

    public static StringMatcher Suffix(string value, bool ignoreCase = false) => new() { Suffix = value, IgnoreCase = ignoreCase };

    public static StringMatcher Regex(string regex) => new() { SafeRegex = new RegexMatcher { Regex = regex } };

    /// <summary>Istio's StringMatcherWithPrefix: "*" is any non-empty value (so an absent one never matches).</summary>
    public static StringMatcher String(string value, string prefix = "") => value switch
    {
        "*" => Regex(".+"),
        _ when value.StartsWith('*') => prefix.Length == 0 ? Suffix(value[1..]) : Regex(QuoteMeta(prefix) + ".*" + QuoteMeta(value[1..])),
        _ when value.EndsWith('*') => Prefix(prefix + value[..^1]),
        _ => Exact(prefix + value),
    };

    /// <summary>Istio's HeaderMatcher: "*" is presence.</summary>
    public static HeaderMatcher Header(string name, string value, bool ignoreCase = false) => value switch
    {
        "*" => new HeaderMatcher { Name = name, PresentMatch = true },
        _ when value.StartsWith('*') => new HeaderMatcher { Name = name, StringMatch = Suffix(value[1..], ignoreCase) },
        _ when value.EndsWith('*') => new HeaderMatcher { Name = name, StringMatch = Prefix(value[..^1], ignoreCase) },
        _ => new HeaderMatcher { Name = name, StringMatch = Exact(value, ignoreCase) },
    };

    public static PathMatcher Path(string value) => new() { Path = String(value) };

    public static CidrRange Cidr(string value)
    {
        if (!IpBlocks.TryParse(value, out var address, out var length))
            throw new AuthorizationTranslationException($"bad IP address or CIDR range \"{value}\"");
        return new CidrRange { AddressPrefix = address.ToString(), PrefixLen = (uint)length };
    }

    /// <summary>A string value at <paramref name="path"/> of a metadata namespace.</summary>
    public static MetadataMatcher MetadataString(string filter, IEnumerable<string> path, StringMatcher value) =>
        Metadata(filter, path, new ValueMatcher { StringMatch = value });

    /// <summary>Matches a string value, or a list holding one (audiences and claims can be either).</summary>
    public static MetadataMatcher MetadataStringOrList(string filter, IEnumerable<string> path, StringMatcher value) =>
        Metadata(filter, path, new ValueMatcher
        {
            OrMatch = new OrMatcher
            {
                ValueMatchers =
                {
                    new ValueMatcher { ListMatch = new ListMatcher { OneOf = new ValueMatcher { StringMatch = value } } },
                    new ValueMatcher { StringMatch = value.Clone() },
                },
            },
        });

    private static MetadataMatcher Metadata(string filter, IEnumerable<string> path, ValueMatcher value)
    {
        var matcher = new MetadataMatcher { Filter = filter, Value = value };
        foreach (var key in path) matcher.Path.Add(new MetadataMatcher.Types.PathSegment { Key = key });
        return matcher;
    }

    public static Permission Any() => new() { Any = true };

    public static Permission And(IEnumerable<Permission> rules) => new() { AndRules = new Permission.Types.Set { Rules = { rules } } };

    public static Permission Or(IEnumerable<Permission> rules) => new() { OrRules = new Permission.Types.Set { Rules = { rules } } };

    public static Permission Not(Permission rule) => new() { NotRule = rule };

    public static Principal AnyPrincipal() => new() { Any = true };

    public static Principal And(IEnumerable<Principal> ids) => new() { AndIds = new Principal.Types.Set { Ids = { ids } } };

    public static Principal Or(IEnumerable<Principal> ids) => new() { OrIds = new Principal.Types.Set { Ids = { ids } } };

    public static Principal Not(Principal id) => new() { NotId = id };

    public static Principal Authenticated(StringMatcher name) => new() { Authenticated = new Principal.Types.Authenticated { PrincipalName = name } };

    /// <summary>Go's regexp.QuoteMeta: RE2 rejects some escapes .NET's Regex.Escape writes (such as "\ ").</summary>
    public static string QuoteMeta(string literal)
    {
        var sb = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (@"\.+*?()|[]{}^$".Contains(c)) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}

/// <summary>A value a validated policy should never hold; the rule it is in is treated as untranslatable.</summary>
internal sealed class AuthorizationTranslationException(string message) : Exception(message);
