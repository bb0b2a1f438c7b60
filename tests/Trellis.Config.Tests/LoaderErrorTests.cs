namespace Trellis.Config.Tests;

/// <summary>Malformed input fails with the exact file:line:col, object and field path, and a useful suggestion.</summary>
public class LoaderErrorTests
{
    private const string Reviews = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          hosts:
          - reviews
          http:
          - route:
            - destinaton:
                host: reviews
        """;

    [Fact]
    public void Unknown_field_deep_in_a_spec_points_at_the_key_and_suggests_the_right_name()
    {
        var error = Load.SingleError(Reviews);

        Assert.Equal("IST0106", error.Code);
        Assert.Equal(("test.yaml", 11, 7), (error.File, error.Line, error.Column));
        Assert.Equal("VirtualService bookinfo/reviews", error.ObjectRef);
        Assert.Equal("spec.http[0].route[0].destinaton", error.FieldPath);
        Assert.Equal("unknown field \"destinaton\"; did you mean \"destination\"?", error.Message);
        Assert.Equal(
            "Error [IST0106] (VirtualService bookinfo/reviews test.yaml:11:7) spec.http[0].route[0].destinaton: unknown field \"destinaton\"; did you mean \"destination\"?",
            error.ToString());
    }

    [Fact]
    public void Misspelt_weight_gets_did_you_mean()
    {
        var error = Load.SingleError(Reviews.Replace("- destinaton:\n        host: reviews", "- destination:\n        host: reviews\n      wieght: 100"));

        Assert.Equal("spec.http[0].route[0].wieght", error.FieldPath);
        Assert.Equal((13, 7), (error.Line, error.Column));
        Assert.EndsWith("did you mean \"weight\"?", error.Message);
    }

    [Fact]
    public void String_where_an_integer_is_expected_names_the_value()
    {
        var error = Load.SingleError(Reviews.Replace("- destinaton:\n        host: reviews", "- destination:\n        host: reviews\n      weight: ninety"));

        Assert.Equal("spec.http[0].route[0].weight", error.FieldPath);
        Assert.Equal((13, 15), (error.Line, error.Column));
        Assert.Equal("expected an integer, got \"ninety\"", error.Message);
    }

    [Fact]
    public void Malformed_yaml_reports_the_parser_position()
    {
        var error = Load.SingleError("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   bad: [1\n");

        Assert.Equal("TRL0001", error.Code);
        Assert.Equal("test.yaml", error.File);
        Assert.Equal(5, error.Line);
        Assert.StartsWith("malformed YAML", error.Message);
    }

    [Fact]
    public void Duplicate_yaml_keys_are_malformed()
    {
        var error = Load.SingleError("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n");

        Assert.Equal("TRL0001", error.Code);
        Assert.Equal((5, 3), (error.Line, error.Column));
        Assert.Contains("Duplicate key", error.Message);
    }

    [Theory]
    [InlineData("kind: Namespace\nmetadata:\n  name: a\n", "apiVersion")]
    [InlineData("apiVersion: v1\nmetadata:\n  name: a\n", "kind")]
    [InlineData("apiVersion: v1\nkind: Namespace\nmetadata:\n  labels: {}\n", "metadata.name")]
    public void Missing_identity_fields_are_errors(string yaml, string field)
    {
        var error = Load.SingleError(yaml);

        Assert.Equal("TRL0005", error.Code);
        Assert.Equal(field, error.FieldPath);
        Assert.Equal($"missing required field \"{field}\"", error.Message);
    }

    [Fact]
    public void Unknown_kind_suggests_a_known_one_case_insensitively()
    {
        var error = Load.SingleError("apiVersion: networking.istio.io/v1\nkind: Virtualservice\nmetadata:\n  name: a\n");

        Assert.Equal("TRL0003", error.Code);
        Assert.Equal((2, 7), (error.Line, error.Column));
        Assert.Contains("did you mean \"VirtualService\"", error.Message);
    }

    [Fact]
    public void Misspelt_kind_suggests_by_edit_distance()
    {
        var error = Load.SingleError("apiVersion: networking.istio.io/v1\nkind: DestinatonRule\nmetadata:\n  name: a\n");

        Assert.Contains("did you mean \"DestinationRule\"", error.Message);
    }

    [Fact]
    public void Unknown_api_version_of_a_known_kind_suggests_the_closest()
    {
        var error = Load.SingleError("apiVersion: networking.istio.io/v2\nkind: VirtualService\nmetadata:\n  name: a\nspec:\n  hosts: [a]\n");

        Assert.Equal("TRL0004", error.Code);
        Assert.Equal("apiVersion", error.FieldPath);
        Assert.Contains("did you mean \"networking.istio.io/v1\"?", error.Message);
    }

    [Fact]
    public void Unknown_top_level_and_metadata_fields_are_caught()
    {
        var errors = Load.Errors("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  namspace: b\nspecs: {}\nspec:\n  ports: [{port: 80}]\n");

        Assert.Contains(errors, e => e.FieldPath == "metadata.namspace" && e.Message.Contains("did you mean \"namespace\"") && e.Line == 5);
        Assert.Contains(errors, e => e.FieldPath == "specs" && e.Message.Contains("did you mean \"spec\"") && e.Line == 6);
    }

    [Fact]
    public void Duplicate_objects_in_one_load_are_errors_pointing_at_the_second()
    {
        var yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n";
        var error = Load.SingleError(yaml);

        Assert.Equal("TRL0002", error.Code);
        Assert.Equal((9, 3), (error.Line, error.Column));
        Assert.Contains("first at test.yaml:1:1", error.Message);
    }

    [Fact]
    public void Regex_that_re2_rejects_is_an_error()
    {
        var error = Load.SingleError(Reviews.Replace("- route:\n    - destinaton:", "- match:\n    - uri:\n        regex: \"(a)\\\\1\"\n    route:\n    - destination:"));

        Assert.Equal("IST0121", error.Code);
        Assert.Equal("spec.http[0].match[0].uri.regex", error.FieldPath);
        Assert.Equal((12, 16), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("(?=a)b")]
    [InlineData("a(")]
    public void Lookarounds_and_syntax_errors_are_rejected(string regex)
    {
        var errors = Load.Errors(Reviews.Replace("- route:\n    - destinaton:", $"- match:\n    - uri:\n        regex: '{regex}'\n    route:\n    - destination:"));

        Assert.Contains(errors, e => e.Code == "IST0121");
    }

    [Fact]
    public void Re2_named_groups_are_accepted()
    {
        var errors = Load.Errors(Reviews.Replace("- route:\n    - destinaton:", "- match:\n    - uri:\n        regex: '/(?P<id>[0-9]+)'\n    route:\n    - destination:"));

        Assert.Empty(errors);
    }

    [Fact]
    public void Invalid_duration_is_explained()
    {
        var error = Load.SingleError(Reviews.Replace("- destinaton:\n        host: reviews", "- destination:\n        host: reviews\n    timeout: 30 seconds"));

        Assert.Equal("spec.http[0].timeout", error.FieldPath);
        Assert.StartsWith("invalid duration \"30 seconds\"", error.Message);
    }

    [Fact]
    public void Bad_enum_value_suggests_the_right_one()
    {
        var yaml = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: r\n  trafficPolicy:\n    loadBalancer:\n      simple: ROUND_ROBN\n";
        var error = Load.SingleError(yaml);

        Assert.Equal("spec.trafficPolicy.loadBalancer.simple", error.FieldPath);
        Assert.Equal((9, 15), (error.Line, error.Column));
        Assert.EndsWith("did you mean \"ROUND_ROBIN\"?", error.Message);
    }

    [Fact]
    public void Files_that_do_not_exist_are_reported()
    {
        var result = ConfigLoader.LoadPaths(["/nonexistent/trellis.yaml"]);

        Assert.True(result.HasErrors);
        Assert.Equal("TRL0007", Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void A_directory_is_read_without_its_subdirectories_unless_recursive_as_kubectl_does()
    {
        var dir = Directory.CreateTempSubdirectory("trellis-paths-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "variants"));
            File.WriteAllText(Path.Combine(dir, "a.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a manifest");
            File.WriteAllText(Path.Combine(dir, "variants", "b.yml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");

            Assert.Equal(["a"], ConfigLoader.LoadPaths([dir]).Resources.Select(r => r.Metadata.Name));
            Assert.Equal(["a", "b"], ConfigLoader.LoadPaths([dir], recursive: true).Resources.Select(r => r.Metadata.Name));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
