using Trellis.Proxy.Expressions;
using Trellis.Stats.V1;

namespace Trellis.Proxy.Telemetry.Overrides;

/// <summary>A connection manager's Telemetry metric overrides, folded per standard metric in the order given (Istio's:
/// ALL_METRICS and the metric's own overrides, a later one winning): whether the metric is recorded, and which labels
/// are removed or set from a CEL expression. Label values from expressions are request input, so the series cap
/// bounds them; an expression that fails for a request gives "unknown", as Istio's stats do.</summary>
internal sealed class MetricOverridePolicy
{
    public const string AllMetrics = "ALL_METRICS";

    public static readonly IReadOnlyList<string> Metrics =
    [
        "REQUEST_COUNT", "REQUEST_DURATION", "REQUEST_SIZE", "RESPONSE_SIZE",
        "TCP_OPENED_CONNECTIONS", "TCP_CLOSED_CONNECTIONS", "TCP_SENT_BYTES", "TCP_RECEIVED_BYTES",
    ];

    /// <summary>One metric's rule: off, or its label changes in order.</summary>
    public sealed record Rule(bool Disabled, IReadOnlyList<LabelChange> Changes);

    /// <summary>Remove <see cref="Label"/>, or set it to <see cref="Value"/>'s result.</summary>
    public sealed record LabelChange(string Label, CelExpression? Value);

    private readonly Dictionary<string, Rule> _rules;

    private MetricOverridePolicy(Dictionary<string, Rule> rules) => _rules = rules;

    /// <summary>Some label comes from an expression that reads request details (headers).</summary>
    public bool ReadsHeaders { get; private init; }

    /// <summary>Some label comes from an expression, so a request's attributes are needed.</summary>
    public bool HasExpressions { get; private init; }

    /// <summary>Every request metric is turned off, so a request has nothing to record.</summary>
    public bool RequestMetricsOff { get; private init; }

    /// <summary>Every TCP metric is turned off.</summary>
    public bool TcpMetricsOff { get; private init; }

    /// <summary>No request metric is turned off or relabelled, so requests take the standard (cached) path.</summary>
    public bool RequestMetricsUnchanged { get; private init; }

    /// <summary>The rule of a standard metric (Istio's enum name); null when no override touches it.</summary>
    public Rule? For(string metric) => _rules.GetValueOrDefault(metric);

    public static MetricOverridePolicy Compile(StatsConfig config, string where)
    {
        var rules = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var metric in Metrics)
        {
            var disabled = false;
            var changes = new Dictionary<string, LabelChange>(StringComparer.Ordinal);
            var touched = false;
            foreach (var over in config.Overrides)
            {
                if (over.Metric != metric && over.Metric != AllMetrics) continue;
                touched = true;
                disabled = over.Disabled;
                foreach (var (label, change) in over.Tags)
                    changes[label] = new LabelChange(label, change.Remove ? null : CelExpression.Compile($"{where}: {over.Metric} label \"{label}\"", change.Value));
            }
            if (touched) rules[metric] = new Rule(disabled, changes.Values.ToList());
        }
        foreach (var over in config.Overrides)
            if (over.Metric != AllMetrics && !Metrics.Contains(over.Metric))
                throw new Configuration.ConfigException($"{where}: metric \"{over.Metric}\" is not one of {AllMetrics}, {string.Join(", ", Metrics)}");
        var expressions = rules.Values.SelectMany(r => r.Changes).Select(c => c.Value).OfType<CelExpression>().ToList();
        bool All(Func<Rule?, bool> holds, int from, int count) => Metrics.Skip(from).Take(count).All(m => holds(rules.GetValueOrDefault(m)));
        return new MetricOverridePolicy(rules)
        {
            HasExpressions = expressions.Count > 0,
            ReadsHeaders = expressions.Any(e => e.ReadsHeaders),
            RequestMetricsOff = All(r => r is { Disabled: true }, 0, 4),
            TcpMetricsOff = All(r => r is { Disabled: true }, 4, 4),
            RequestMetricsUnchanged = All(r => r is null or { Disabled: false, Changes.Count: 0 }, 0, 4),
        };
    }

    /// <summary>The labels after <paramref name="rule"/>'s changes: a removed standard label becomes
    /// <see cref="PrometheusText.Absent"/>, a new one is appended after the standard ones as a name and a value.</summary>
    /// <param name="attributes">The request's attributes, built once for all of its metrics; null when no label has an expression.</param>
    public static string[] Apply(Rule rule, string[] names, string[] values, Dictionary<string, object?>? attributes)
    {
        List<string>? extra = null;
        var result = (string[])values.Clone();
        foreach (var change in rule.Changes)
        {
            var value = change.Value is null ? PrometheusText.Absent : Text(change.Value.Evaluate(attributes!));
            var index = Array.IndexOf(names, change.Label);
            if (index >= 0) result[index] = value;
            else if (change.Value is not null) (extra ??= []).AddRange([change.Label, value]);
        }
        return extra is null ? result : [.. result, .. extra];
    }

    private static string Text(object? value) => value switch
    {
        null => "unknown",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "unknown",
    };
}
