using Trellis.Config.Model;

namespace Trellis.Config;

/// <summary>One finding about configuration, positioned at a file, line and column, formatted like `istioctl analyze`.</summary>
public sealed record Diagnostic(
    Severity Severity,
    string Code,
    string Message,
    string? File,
    int Line,
    int Column,
    string? ObjectRef,
    string? FieldPath)
{
    /// <summary>An error at a source location.</summary>
    public static Diagnostic Error(string code, string message, SourceLocation? at, string? objectRef = null, string? fieldPath = null) =>
        Create(Severity.Error, code, message, at, objectRef, fieldPath);

    /// <summary>A warning at a source location.</summary>
    public static Diagnostic Warning(string code, string message, SourceLocation? at, string? objectRef = null, string? fieldPath = null) =>
        Create(Severity.Warning, code, message, at, objectRef, fieldPath);

    /// <summary>An informational note at a source location.</summary>
    public static Diagnostic Info(string code, string message, SourceLocation? at, string? objectRef = null, string? fieldPath = null) =>
        Create(Severity.Info, code, message, at, objectRef, fieldPath);

    /// <summary>A diagnostic about a field of a resource, positioned at that field when it exists.</summary>
    public static Diagnostic For(Severity severity, string code, Resource resource, string? fieldPath, string message) =>
        Create(severity, code, message, fieldPath is null ? resource.Source : resource.LocationOf(fieldPath), resource.Ref.ToString(), fieldPath);

    // A diagnostic is one line wherever it is printed, even when it quotes a multi-line value from the input.
    private static Diagnostic Create(Severity severity, string code, string message, SourceLocation? at, string? objectRef, string? fieldPath) =>
        new(severity, code, OneLine(message)!, OneLine(at?.File), at?.Line ?? 0, at?.Column ?? 0, OneLine(objectRef), OneLine(fieldPath));

    private static string? OneLine(string? text) =>
        text is null || text.AsSpan().IndexOfAny("\r\n\u0085\u2028\u2029") < 0 ? text
        : text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u0085", "\\u0085").Replace("\u2028", "\\u2028").Replace("\u2029", "\\u2029");

    /// <summary>e.g. <c>Error [IST0101] (VirtualService bookinfo/reviews x.yaml:12:9) spec.http[0]: message</c>.</summary>
    public override string ToString()
    {
        var where = File is null ? null : Line > 0 ? $"{File}:{Line}:{Column}" : File;
        var context = string.Join(' ', new[] { ObjectRef, where }.Where(s => !string.IsNullOrEmpty(s)));
        var head = context.Length == 0 ? $"{Severity} [{Code}]" : $"{Severity} [{Code}] ({context})";
        return string.IsNullOrEmpty(FieldPath) ? $"{head} {Message}" : $"{head} {FieldPath}: {Message}";
    }
}
