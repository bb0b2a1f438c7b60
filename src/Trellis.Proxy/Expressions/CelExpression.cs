using Cel;
using Trellis.Proxy.Completion;
using Trellis.Proxy.Configuration;

namespace Trellis.Proxy.Expressions;

/// <summary>A CEL expression over Envoy's attributes of a finished request (access-log filters, metric label values),
/// compiled once per configuration with the Cel library. Expressions come over xDS: their length and nesting are bounded
/// before the parser, which recurses, sees them.</summary>
internal sealed class CelExpression
{
    public const int MaxLength = 4096;
    public const int MaxNesting = 32;

    private readonly CelProgramDelegate _program;

    private CelExpression(string text, CelProgramDelegate program)
    {
        Text = text;
        _program = program;
        ReadsHeaders = text.Contains("headers", StringComparison.Ordinal);
    }

    public string Text { get; }

    /// <summary>It reads request or response headers, which the completion record carries only when asked for.</summary>
    public bool ReadsHeaders { get; }

    /// <summary>Throws <see cref="ConfigException"/> naming <paramref name="what"/> when the expression is empty, too
    /// large or does not parse.</summary>
    public static CelExpression Compile(string what, string expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) throw new ConfigException($"{what}: the CEL expression is empty");
        if (expression.Length > MaxLength) throw new ConfigException($"{what}: the CEL expression is longer than {MaxLength} characters");
        if (Nesting(expression) > MaxNesting) throw new ConfigException($"{what}: the CEL expression nests deeper than {MaxNesting} levels");
        try
        {
            return new CelExpression(expression, new CelEnvironment(null!, "").Compile(expression));
        }
        catch (CelException e)
        {
            throw new ConfigException($"{what}: the CEL expression \"{expression}\" does not parse: {e.Message}");
        }
    }

    /// <summary>The value for <paramref name="record"/>; null when evaluation fails (an absent header, a type mismatch).</summary>
    public object? Evaluate(in CompletionRecord record) => Evaluate(RequestAttributes.Of(record, ReadsHeaders));

    /// <summary>The value over attributes built once for several expressions (<see cref="RequestAttributes.Of"/>).</summary>
    public object? Evaluate(Dictionary<string, object?> attributes)
    {
        try
        {
            return _program(attributes);
        }
        // Whatever the evaluator throws is an evaluation error, which callers treat as Envoy does (false, or no value).
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            return null;
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
