using Cel;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.AccessLogs.Filters;

/// <summary>Envoy's envoy.access_loggers.extension_filters.cel, as Istio's Telemetry <c>accessLogging[].filter</c> writes
/// it: a CEL expression over Envoy's request, response, connection, source, destination and upstream attributes, compiled
/// once per configuration with the Cel library. As in Envoy, a request is logged only when the expression is true; an
/// expression that fails at run time (a header that is absent, a type that does not compare) counts as false.</summary>
internal sealed class CelAccessLogFilter
{
    public const string ExtensionName = "envoy.access_loggers.extension_filters.cel";

    /// <summary>Expressions come over xDS: their length and nesting are bounded before the parser, which recurses, sees them.</summary>
    public const int MaxLength = 4096;
    public const int MaxNesting = 32;

    private readonly CelProgramDelegate _program;
    private readonly bool _readsHeaders;

    private CelAccessLogFilter(CelProgramDelegate program, bool readsHeaders)
    {
        _program = program;
        _readsHeaders = readsHeaders;
    }

    public string Expression { get; private init; } = "";

    public static CelAccessLogFilter Compile(string where, string expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) throw new ConfigException($"{where}: the CEL filter's expression is empty");
        if (expression.Length > MaxLength) throw new ConfigException($"{where}: the CEL filter's expression is longer than {MaxLength} characters");
        if (Nesting(expression) > MaxNesting) throw new ConfigException($"{where}: the CEL filter's expression nests deeper than {MaxNesting} levels");
        try
        {
            var program = new CelEnvironment(null!, "").Compile(expression);
            return new CelAccessLogFilter(program, expression.Contains("headers", StringComparison.Ordinal) || expression.Contains("trailers", StringComparison.Ordinal))
            {
                Expression = expression,
            };
        }
        catch (CelException e)
        {
            throw new ConfigException($"{where}: the CEL filter \"{expression}\" does not parse: {e.Message}");
        }
    }

    public bool Matches(in CompletionRecord record)
    {
        try
        {
            return _program(RequestAttributes.Of(record, _readsHeaders)) is true;
        }
        // Envoy: "expression errors are considered false"; whatever the evaluator throws is such an error.
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            return false;
        }
    }

    private static int Nesting(string expression)
    {
        int depth = 0, deepest = 0;
        foreach (var c in expression)
        {
            if (c is '(' or '[' or '{') deepest = Math.Max(deepest, ++depth);
            else if (c is ')' or ']' or '}') depth--;
        }
        return deepest;
    }
}
