using Trellis.Proxy.Completion;
using Trellis.Proxy.Expressions;

namespace Trellis.Proxy.AccessLogs.Filters;

/// <summary>Envoy's envoy.access_loggers.extension_filters.cel, as Istio's Telemetry <c>accessLogging[].filter</c> writes
/// it: a CEL expression over Envoy's request, response, connection, source, destination and upstream attributes. As in
/// Envoy, a request is logged only when the expression is true; an expression that fails for a request (a header that is
/// absent, a type that does not compare) counts as false.</summary>
internal sealed class CelAccessLogFilter(CelExpression expression)
{
    public const string ExtensionName = "envoy.access_loggers.extension_filters.cel";

    public string Expression => expression.Text;

    public static CelAccessLogFilter Compile(string where, string text) => new(CelExpression.Compile($"{where}: the CEL filter", text));

    public bool Matches(in CompletionRecord record) => expression.Evaluate(record) is true;
}
