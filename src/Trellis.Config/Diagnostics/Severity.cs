namespace Trellis.Config;

/// <summary>How serious a diagnostic is; only errors reject configuration.</summary>
public enum Severity
{
    Error,
    Warning,
    Info,
}
