namespace Trellis.Proxy.Tests.Static;

public sealed class EnvoyProxyHostTests
{
    private static string Seed(string name) => Path.Combine(AppContext.BaseDirectory, "Static", "Bootstraps", name);

    private static (int Code, string Out, string Err) Validate(string path)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var code = EnvoyProxyHost.Validate(path, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void Validate_mode_accepts_the_standalone_seed_without_binding_or_resolving()
    {
        var (code, output, errors) = Validate(Seed("seed003-02-envoy-bootstrap.yaml"));

        Assert.Equal(0, code);
        Assert.EndsWith("seed003-02-envoy-bootstrap.yaml: OK (1 listener(s), 2 cluster(s))" + Environment.NewLine, output);
        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_mode_refuses_the_rate_limit_seed_in_one_line()
    {
        var (code, output, errors) = Validate(Seed("seed003-03-envoy-bootstrap.yaml"));

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", errors);
        Assert.Contains("http_filters[0].typed_config: type \"type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit\" is not supported by this proxy", errors);
        Assert.Single(errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Validate_mode_reports_what_the_compiler_refuses()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trellis-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, File.ReadAllText(Seed("seed003-02-envoy-bootstrap.yaml")).Replace("prefix: \"/api/v2\"", "safe_regex: {regex: \"(\"}"));
        try
        {
            var (code, _, errors) = Validate(path);

            Assert.Equal(1, code);
            Assert.Contains("route configuration \"local_route\" virtual host \"backend\" route \"#1\": invalid regex \"(\"", errors);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_one_line()
    {
        var (code, _, errors) = Validate("/nonexistent/envoy.yaml");

        Assert.Equal(1, code);
        Assert.StartsWith("error: /nonexistent/envoy.yaml: cannot read:", errors);
    }
}
