using Trellis.Config.Model;

namespace Trellis.Config.Validation;

/// <summary>Collects schema findings about one resource, each positioned at the field it names.</summary>
internal sealed class ValidationSink(Resource resource)
{
    public Resource Resource { get; } = resource;
    public List<Diagnostic> Diagnostics { get; } = [];

    public void Error(string path, string message, string code = DiagnosticCodes.SchemaValidationError) =>
        Diagnostics.Add(Diagnostic.For(Severity.Error, code, Resource, path, message));

    public void Warning(string path, string message, string code = DiagnosticCodes.SchemaWarning) =>
        Diagnostics.Add(Diagnostic.For(Severity.Warning, code, Resource, path, message));

    public void Info(string path, string message, string code) =>
        Diagnostics.Add(Diagnostic.For(Severity.Info, code, Resource, path, message));

    public void Port(string path, int? port, bool required = false)
    {
        if (port is null)
        {
            if (required) Error(path, "missing required field (a port number 1-65535)");
            return;
        }
        if (port is < 1 or > 65535) Error(path, $"port {port} is out of range (1-65535)");
    }

    public void Required(string path, object? value)
    {
        if (value is null || value is string { Length: 0 }) Error(path, "missing required field");
    }

    public void Percentage(string path, double? value)
    {
        if (value is < 0 or > 100) Error(path, $"percentage {value} is out of range (0-100)");
    }

    public void NotNegative(string path, long? value)
    {
        if (value < 0) Error(path, $"must not be negative, got {value}");
    }

    public void MinimumDuration(string path, TimeSpan? value)
    {
        if (value is { } d && d < TimeSpan.FromMilliseconds(1)) Error(path, $"duration must be at least 1ms, got {d.TotalMilliseconds}ms");
    }
}
