namespace Trellis.Config.Tests;

/// <summary>http[].fault as Istio's validation takes it (validateHTTPFaultInjection): a fixed delay or an
/// HTTP/gRPC abort, percentages 0-100, HTTP statuses 200-599, gRPC statuses by name.</summary>
public class FaultValidationTests
{
    private static string Fault(string fault) => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: ratings
        spec:
          hosts: [ratings]
          http:
          - fault:
        {fault}
            route:
            - destination: {"{"}host: ratings{"}"}
        """;

    [Theory]
    [InlineData("      delay: {fixedDelay: 7s, percentage: {value: 100.0}}")]
    [InlineData("      delay: {fixedDelay: 1ms, percent: 50}")]
    [InlineData("      delay: {fixedDelay: 2s}")]
    [InlineData("      abort: {httpStatus: 500, percentage: {value: 100.0}}")]
    [InlineData("      abort: {httpStatus: 200, percentage: {value: 0}}")]
    [InlineData("      abort: {httpStatus: 599}")]
    [InlineData("      abort: {grpcStatus: UNAVAILABLE, percentage: {value: 0.5}}")]
    [InlineData("      abort: {grpcStatus: OK}")]
    [InlineData("      delay: {fixedDelay: 5s, percentage: {value: 10}}\n      abort: {grpcStatus: DATA_LOSS, percentage: {value: 5}}")]
    public void Faults_istio_accepts_are_valid(string fault)
    {
        var result = Load.Text(Fault(fault));
        Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "TRL0006");
    }

    [Theory]
    [InlineData("      abort: {httpStatus: 199}", "spec.http[0].fault.abort.httpStatus", "200-599")]
    [InlineData("      abort: {httpStatus: 600}", "spec.http[0].fault.abort.httpStatus", "200-599")]
    [InlineData("      abort: {grpcStatus: Unavailable}", "spec.http[0].fault.abort.grpcStatus", "gRPC status \"Unavailable\" is not supported")]
    [InlineData("      abort: {grpcStatus: \"14\"}", "spec.http[0].fault.abort.grpcStatus", "gRPC status \"14\" is not supported")]
    [InlineData("      abort: {http2Error: REFUSED_STREAM}", "spec.http[0].fault.abort.http2Error", "not supported")]
    [InlineData("      abort: {percentage: {value: 10}}", "spec.http[0].fault.abort", "set exactly one of httpStatus, grpcStatus or http2Error")]
    [InlineData("      abort: {httpStatus: 500, grpcStatus: INTERNAL}", "spec.http[0].fault.abort", "set exactly one of")]
    [InlineData("      abort: {httpStatus: 500, percentage: {value: 100.5}}", "spec.http[0].fault.abort.percentage.value", "out of range (0-100)")]
    [InlineData("      abort: {httpStatus: 500, percentage: {value: -1}}", "spec.http[0].fault.abort.percentage.value", "out of range (0-100)")]
    [InlineData("      delay: {percentage: {value: 10}}", "spec.http[0].fault.delay", "set fixedDelay")]
    [InlineData("      delay: {fixedDelay: 500us}", "spec.http[0].fault.delay.fixedDelay", "at least 1ms")]
    [InlineData("      delay: {fixedDelay: 0s}", "spec.http[0].fault.delay.fixedDelay", "at least 1ms")]
    [InlineData("      delay: {exponentialDelay: 1s}", "spec.http[0].fault.delay.exponentialDelay", "not supported")]
    [InlineData("      delay: {fixedDelay: 1s, percentage: {value: 101}}", "spec.http[0].fault.delay.percentage.value", "out of range (0-100)")]
    [InlineData("      delay: {fixedDelay: 1s, percent: 150}", "spec.http[0].fault.delay.percent", "out of range (0-100)")]
    [InlineData("      {}", "spec.http[0].fault", "a fault needs a delay or an abort")]
    public void Faults_istio_rejects_name_the_field(string fault, string path, string message)
    {
        var errors = Load.Errors(Fault(fault));
        Assert.Contains(errors, e => e.FieldPath == path && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_grpc_status_is_one_error_at_its_field()
    {
        var error = Load.SingleError(Fault("      abort:\n        grpcStatus: NOT_A_CODE"));

        Assert.Equal("IST0106", error.Code);
        Assert.Equal("spec.http[0].fault.abort.grpcStatus", error.FieldPath);
        Assert.Equal((10, 9), (error.Line, error.Column));
        Assert.Contains("NOT_FOUND", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fault_samples_of_bookinfo_are_valid()
    {
        foreach (var file in new[] { "virtual-service-ratings-test-delay.yaml", "virtual-service-ratings-test-abort.yaml" })
        {
            var path = Path.Combine(RepoRoot(), "samples", "bookinfo", "networking", file);
            var result = ConfigLoader.LoadPaths([path]);
            Assert.False(result.HasErrors, string.Join("\n", result.Diagnostics));
            Assert.Empty(result.Diagnostics);
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trellis.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }
}
