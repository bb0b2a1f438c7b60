namespace Trellis.ControlPlane.Observability.Dashboard;

/// <summary>One finding of `trellis analyze` over the stored configuration, for the dashboard.</summary>
public sealed record AnalysisFindingDto(string Severity, string Code, string Message, string? Object, string? Field, string? File, int Line);
