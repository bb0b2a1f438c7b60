namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>A piece of a compiled format string: literal text, or a command operator.</summary>
internal readonly record struct FormatSegment(string? Literal, CommandOperator? Operator);
