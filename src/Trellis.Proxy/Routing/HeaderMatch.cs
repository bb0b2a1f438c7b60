using Envoy.Config.Route.V3;
using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Routing;

/// <summary>A compiled Envoy HeaderMatcher, with Envoy's rules for absent headers and inversion.</summary>
internal sealed class HeaderMatch
{
    private readonly string _name;
    private readonly StringMatch? _value;
    private readonly bool? _presentMatch;
    private readonly (long Start, long End)? _range;
    private readonly bool _invert;
    private readonly bool _missingAsEmpty;

    private HeaderMatch(string name, StringMatch? value, bool? presentMatch, (long, long)? range, bool invert, bool missingAsEmpty)
    {
        _name = name;
        _value = value;
        _presentMatch = presentMatch;
        _range = range;
        _invert = invert;
        _missingAsEmpty = missingAsEmpty;
    }

    public static HeaderMatch From(HeaderMatcher m, string where)
    {
        if (string.IsNullOrEmpty(m.Name)) throw new ConfigException($"{where}: header matcher without a name");
        var at = $"{where} header \"{m.Name}\"";
        StringMatch? value = null;
        bool? present = null;
        (long, long)? range = null;
        switch (m.HeaderMatchSpecifierCase)
        {
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.ExactMatch: value = StringMatch.Exact(m.ExactMatch); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.PrefixMatch: value = StringMatch.Prefix(m.PrefixMatch); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.SuffixMatch: value = StringMatch.Suffix(m.SuffixMatch); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.ContainsMatch: value = StringMatch.Contains(m.ContainsMatch); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.SafeRegexMatch: value = StringMatch.Regex(m.SafeRegexMatch, at); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.StringMatch: value = StringMatch.From(m.StringMatch, at); break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.PresentMatch: present = m.PresentMatch; break;
            case HeaderMatcher.HeaderMatchSpecifierOneofCase.RangeMatch: range = (m.RangeMatch.Start, m.RangeMatch.End); break;
            default: present = true; break; // Envoy: a matcher with no specifier matches when the header is present.
        }
        return new HeaderMatch(m.Name.ToLowerInvariant(), value, present, range, m.InvertMatch, m.TreatMissingHeaderAsEmpty);
    }

    public bool Matches(HttpRequest request) => Matches(RequestHeaders.Get(request, _name));

    /// <summary>Matches the header's value, or null for an absent header (a connection without HTTP has no headers).</summary>
    public bool Matches(string? value)
    {
        if (value is null && !_missingAsEmpty)
        {
            // Envoy (header_utility.cc): an absent header only satisfies a presence check.
            return _invert ? _presentMatch == true : _presentMatch == false;
        }
        value ??= "";
        bool result;
        if (_presentMatch is { } present) result = present;
        else if (_range is { } r) result = long.TryParse(value, out var n) && n >= r.Start && n < r.End;
        else result = _value!.Matches(value);
        return result != _invert;
    }
}
