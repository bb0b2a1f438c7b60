namespace Trellis.Cli.Doctor;

/// <summary>How one check of `trellis doctor` came out.</summary>
internal enum CheckStatus { Ok, Warning, Failed }

/// <summary>One line of `trellis doctor`: what was checked, how it came out, and a plain fix when it did not pass.</summary>
internal sealed record CheckResult(string Area, string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static CheckResult Ok(string area, string name, string detail) => new(area, name, CheckStatus.Ok, detail);
    public static CheckResult Warn(string area, string name, string detail, string fix) => new(area, name, CheckStatus.Warning, detail, fix);
    public static CheckResult Fail(string area, string name, string detail, string fix) => new(area, name, CheckStatus.Failed, detail, fix);
}
