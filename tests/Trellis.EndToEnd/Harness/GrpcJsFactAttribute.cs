namespace Trellis.EndToEnd.Harness;

/// <summary>A fact that runs @grpc/grpc-js from tests/xds-conformance's npm packages (node and `npm ci` come from
/// scripts/test). Without them it is skipped with the install command, except under CI (CI set), where the
/// missing packages must fail the run, as the xDS conformance test does.</summary>
public sealed class GrpcJsFactAttribute : FactAttribute
{
    public static string Modules => Repo.Path("tests", "xds-conformance", "node_modules", "@grpc");

    public GrpcJsFactAttribute()
    {
        if (Directory.Exists(Path.Combine(Modules, "grpc-js")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) return;
        Skip = $"npm packages missing in {Modules}: run `npm ci --prefix tests/xds-conformance` (under CI this test fails instead)";
    }
}
