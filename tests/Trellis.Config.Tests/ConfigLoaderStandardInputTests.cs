namespace Trellis.Config.Tests;

/// <summary>The path "-" reads manifests from standard input, as kubectl's -f - does.</summary>
public class ConfigLoaderStandardInputTests
{
    private const string Service = "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: bookinfo}\nspec:\n  ports: [{port: 9080, name: http}]\n";

    [Fact]
    public void Dash_reads_standard_input_and_positions_name_it()
    {
        var load = ConfigLoader.LoadPaths(["-"], standardInput: new StringReader(Service + "  unknownField: 1\n"));

        Assert.Equal("reviews", Assert.Single(load.Resources).Metadata.Name);
        var warning = Assert.Single(load.Diagnostics);
        Assert.Equal("<stdin>", warning.File);
        Assert.Equal(6, warning.Line);
    }

    [Fact]
    public void Without_standard_input_dash_is_a_missing_path() =>
        Assert.Equal("TRL0007", Assert.Single(ConfigLoader.LoadPaths(["-"]).Diagnostics).Code);
}
