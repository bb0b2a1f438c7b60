using Envoy.Type.Matcher.V3;
using Google.Protobuf.WellKnownTypes;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Routing;

namespace Trellis.Proxy.Authorization;

/// <summary>A compiled Envoy ValueMatcher over a protobuf Value, with Envoy's rules: a matcher of one kind never
/// matches a value of another, an absent value matches nothing (present_match false included), and list_match
/// matches a list holding some element that matches.</summary>
internal abstract class ValueMatch
{
    public abstract bool Matches(Value? value);

    public static ValueMatch From(ValueMatcher m, string where) => m.MatchPatternCase switch
    {
        ValueMatcher.MatchPatternOneofCase.NullMatch => new NullValue(),
        ValueMatcher.MatchPatternOneofCase.DoubleMatch => DoubleValue.From(m.DoubleMatch, $"{where} double_match"),
        ValueMatcher.MatchPatternOneofCase.StringMatch => new StringValue(StringMatch.From(m.StringMatch, $"{where} string_match")),
        ValueMatcher.MatchPatternOneofCase.BoolMatch => new BoolValue(m.BoolMatch),
        ValueMatcher.MatchPatternOneofCase.PresentMatch => new PresentValue(m.PresentMatch),
        ValueMatcher.MatchPatternOneofCase.ListMatch when m.ListMatch.OneOf is { } element => new ListValue(From(element, $"{where} list_match.one_of")),
        ValueMatcher.MatchPatternOneofCase.ListMatch => throw new ConfigException($"{where}: list_match has no one_of"),
        ValueMatcher.MatchPatternOneofCase.OrMatch when m.OrMatch.ValueMatchers.Count >= 2 =>
            new OrValue(m.OrMatch.ValueMatchers.Select((v, i) => From(v, $"{where} or_match.value_matchers[{i}]")).ToArray()),
        ValueMatcher.MatchPatternOneofCase.OrMatch => throw new ConfigException($"{where}: or_match needs at least 2 value_matchers"),
        _ => throw new ConfigException($"{where}: value matcher has no match_pattern"),
    };

    private sealed class NullValue : ValueMatch
    {
        public override bool Matches(Value? value) => value?.KindCase == Value.KindOneofCase.NullValue;
    }

    private sealed class DoubleValue(double? exact, double start, double end) : ValueMatch
    {
        public static DoubleValue From(DoubleMatcher m, string where) => m.MatchPatternCase switch
        {
            DoubleMatcher.MatchPatternOneofCase.Exact => new(m.Exact, 0, 0),
            DoubleMatcher.MatchPatternOneofCase.Range when m.Range.Start <= m.Range.End => new(null, m.Range.Start, m.Range.End),
            DoubleMatcher.MatchPatternOneofCase.Range => throw new ConfigException($"{where}: range start {m.Range.Start} is above its end {m.Range.End}"),
            _ => throw new ConfigException($"{where}: double matcher has neither exact nor range"),
        };

        public override bool Matches(Value? value) => value?.KindCase == Value.KindOneofCase.NumberValue
            && (exact is { } e ? value.NumberValue == e : value.NumberValue >= start && value.NumberValue < end);
    }

    private sealed class StringValue(StringMatch match) : ValueMatch
    {
        public override bool Matches(Value? value) => value?.KindCase == Value.KindOneofCase.StringValue && match.Matches(value.StringValue);
    }

    private sealed class BoolValue(bool expected) : ValueMatch
    {
        public override bool Matches(Value? value) => value?.KindCase == Value.KindOneofCase.BoolValue && value.BoolValue == expected;
    }

    private sealed class PresentValue(bool expected) : ValueMatch
    {
        public override bool Matches(Value? value) => expected && value is not null && value.KindCase != Value.KindOneofCase.None;
    }

    private sealed class ListValue(ValueMatch element) : ValueMatch
    {
        public override bool Matches(Value? value)
        {
            if (value?.KindCase != Value.KindOneofCase.ListValue) return false;
            foreach (var item in value.ListValue.Values)
                if (element.Matches(item)) return true;
            return false;
        }
    }

    private sealed class OrValue(ValueMatch[] alternatives) : ValueMatch
    {
        public override bool Matches(Value? value)
        {
            foreach (var alternative in alternatives)
                if (alternative.Matches(value)) return true;
            return false;
        }
    }
}
