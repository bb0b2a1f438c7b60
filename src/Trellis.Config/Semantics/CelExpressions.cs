using Cel;

namespace Trellis.Config.Semantics;

/// <summary>Checks a CEL expression over Envoy's request attributes (Telemetry access-log filters) as far as can be
/// known before a request exists: it must parse, stay within the proxies' length and nesting bounds, and name only
/// Envoy's attribute roots. A header that may be absent is a run-time matter (the expression is then false).</summary>
public static class CelExpressions
{
    public const int MaxLength = 4096;
    public const int MaxNesting = 32;

    public static readonly IReadOnlyList<string> AttributeRoots = ["request", "response", "connection", "source", "destination", "upstream"];

    /// <summary>What is wrong with <paramref name="expression"/>, or null when a proxy will take it.</summary>
    public static string? Problem(string expression)
    {
        if (expression.Length > MaxLength) return $"the expression is longer than {MaxLength} characters";
        if (Nesting(expression) > MaxNesting) return $"the expression nests deeper than {MaxNesting} levels";
        CelProgramDelegate program;
        try
        {
            program = new CelEnvironment(null!, "").Compile(expression);
        }
        catch (CelException e)
        {
            return $"\"{expression}\" is not a CEL expression: {e.Message}";
        }
        try
        {
            program(AttributeRoots.ToDictionary(r => r, object? (_) => new Dictionary<string, object?>()));
        }
        catch (CelUndeclaredReferenceException e)
        {
            return $"{e.Message}; the attributes are {string.Join(", ", AttributeRoots)} (for example response.code >= 400)";
        }
        catch (Exception e) when (e is not (OutOfMemoryException or InsufficientExecutionStackException))
        {
            // Missing fields and type mismatches depend on the request: the proxy evaluates them to false.
        }
        return null;
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
