using System.Text;

namespace Trellis.Config.Tests.Loading;

/// <summary>The hostile inputs of issue 7 end in one positioned diagnostic naming the file, the object and the limit;
/// the loader neither crashes nor builds what is over a limit.</summary>
public class InputLimitTests
{
    private static string VirtualService(string hosts, string name = "deep") => $"""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: {name}
          namespace: bookinfo
        spec:
          hosts: {hosts}
          http:
          - route:
            - destination: {"{host: reviews}"}
        """;

    private static string Nested(int levels) => new string('[', levels) + "x" + new string(']', levels);

    private static string EnvoyFilterNested(int levels)
    {
        var yaml = new StringBuilder("apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata:\n  name: nested\nspec:\n");
        // spec is level 1; each "a:" opens one more map, in block style as people write it.
        for (var level = 2; level <= levels; level++) yaml.Append(' ', 2 * (level - 1)).Append("a:\n");
        yaml.Append(' ', 2 * levels).Append("b: c\n");
        return yaml.ToString();
    }

    [Fact]
    public void A_hundred_thousand_open_brackets_are_refused_at_the_limit_without_building_anything()
    {
        var error = Load.SingleError("a: " + new string('[', 100_000));

        Assert.Equal(DiagnosticCodes.InputLimitExceeded, error.Code);
        Assert.Equal(("test.yaml", 1, 4 + InputLimits.MaxDepth - 1), (error.File, error.Line, error.Column));
        Assert.Equal($"nested deeper than {InputLimits.MaxDepth} levels (the limit)", error.Message);
    }

    [Fact]
    public void Thirty_thousand_levels_in_an_object_name_the_object()
    {
        var error = Load.SingleError(VirtualService(Nested(30_000)));

        Assert.Equal(DiagnosticCodes.InputLimitExceeded, error.Code);
        Assert.Equal("VirtualService bookinfo/deep", error.ObjectRef);
        Assert.Equal(7, error.Line);
        Assert.StartsWith($"Error [TRL0008] (VirtualService bookinfo/deep test.yaml:7:", error.ToString());
    }

    [Fact]
    public void Nesting_up_to_the_limit_loads_even_on_a_thread_with_a_small_stack()
    {
        LoadResult? atLimit = null, overLimit = null;
        var thread = new Thread(() =>
        {
            atLimit = Load.Text(EnvoyFilterNested(InputLimits.MaxDepth - 1));
            overLimit = Load.Text(EnvoyFilterNested(InputLimits.MaxDepth));
        }, 1024 * 1024);
        thread.Start();
        thread.Join();

        Assert.False(atLimit!.HasErrors, string.Join("\n", atLimit.Diagnostics));
        Assert.Single(atLimit.Resources);
        var error = Assert.Single(overLimit!.Diagnostics, d => d.Severity == Severity.Error);
        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "EnvoyFilter nested"), (error.Code, error.ObjectRef));
    }

    [Fact]
    public void A_flow_list_left_open_before_a_block_item_is_malformed_yaml_at_its_position()
    {
        var error = Load.SingleError("a: [b\n- c");

        Assert.Equal(DiagnosticCodes.YamlSyntaxError, error.Code);
        Assert.Equal("test.yaml", error.File);
        Assert.True(error.Line >= 1 && error.Column >= 1, error.ToString());
        Assert.StartsWith("malformed YAML: ", error.Message);
    }

    [Fact]
    public void A_null_host_is_an_error_at_that_item()
    {
        var error = Load.SingleError(VirtualService("[~]"));

        Assert.Equal(DiagnosticCodes.SchemaValidationError, error.Code);
        Assert.Equal(("VirtualService bookinfo/deep", "spec.hosts[0]"), (error.ObjectRef, error.FieldPath));
        Assert.Equal((7, 11), (error.Line, error.Column));
        Assert.Equal("expected a string, got null", error.Message);
    }

    [Fact]
    public void A_list_where_a_host_is_expected_is_an_error_at_that_item_and_analysis_still_runs()
    {
        var load = Load.Text(VirtualService("[[x]]"));
        var error = Assert.Single(load.Diagnostics, d => d.Severity == Severity.Error);

        Assert.Equal(("VirtualService bookinfo/deep", "spec.hosts[0]"), (error.ObjectRef, error.FieldPath));
        Assert.Equal((7, 11), (error.Line, error.Column));
        Assert.Equal("expected a string, got a list", error.Message);
        Assert.Contains(error, ConfigValidator.Validate(load));
    }

    [Fact]
    public void A_twenty_megabyte_file_is_refused_before_it_is_read()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("trellis-limits-").FullName, "big.yaml");
        using (var stream = File.Create(file)) stream.SetLength(20 * 1024 * 1024);

        var error = Assert.Single(ConfigLoader.LoadPaths([file]).Diagnostics);

        Assert.Equal((DiagnosticCodes.InputLimitExceeded, file), (error.Code, error.File));
        Assert.Equal("file is 20 MiB, over the limit of 3 MiB per apply", error.Message);
    }

    [Fact]
    public void A_file_that_reports_no_size_is_cut_off_at_the_limit_while_it_is_read()
    {
        var error = Assert.Single(ConfigLoader.LoadPaths(["/dev/zero"]).Diagnostics);

        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "/dev/zero"), (error.Code, error.File));
        Assert.Equal("input is larger than 3 MiB, the limit per apply", error.Message);
    }

    [Fact]
    public void A_fifteen_megabyte_annotation_is_refused_by_size_without_parsing()
    {
        var yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n  annotations:\n    note: " + new string('x', 15 * 1024 * 1024) + "\n";

        var error = Load.SingleError(yaml);

        Assert.Equal(DiagnosticCodes.InputLimitExceeded, error.Code);
        Assert.Equal("file is 15 MiB, over the limit of 3 MiB per apply", error.Message);
    }

    [Fact]
    public void Annotations_over_256_KiB_of_keys_and_values_are_refused_at_the_field()
    {
        string WithAnnotation(int valueBytes) =>
            $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: noted\n  annotations:\n    note: {new string('x', valueBytes)}\n";

        Assert.False(Load.Text(WithAnnotation(InputLimits.MaxAnnotationBytes - "note".Length)).HasErrors);
        var error = Load.SingleError(WithAnnotation(InputLimits.MaxAnnotationBytes - "note".Length + 1));

        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "Namespace noted", "metadata.annotations"), (error.Code, error.ObjectRef, error.FieldPath));
        Assert.Equal((6, 5), (error.Line, error.Column));
        Assert.Equal("annotations are 256 KiB, over the limit of 256 KiB per object (keys and values, as Kubernetes counts them)", error.Message);
    }

    [Fact]
    public void More_objects_than_the_limit_in_one_load_are_refused()
    {
        var items = string.Concat(Enumerable.Range(0, InputLimits.MaxObjects + 1).Select(i => $"- {{apiVersion: v1, kind: Namespace, metadata: {{name: n{i}}}}}\n"));

        var error = Load.SingleError("apiVersion: v1\nkind: List\nitems:\n" + items);

        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "test.yaml"), (error.Code, error.File));
        Assert.StartsWith($"more than {InputLimits.MaxObjects} objects in one apply (the limit)", error.Message);
    }

    [Fact]
    public void Files_of_one_load_adding_up_to_more_than_3_MiB_are_refused_at_the_file_that_crosses_it()
    {
        var half = "# " + new string('x', InputLimits.MaxBytes / 2) + "\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";

        var load = ConfigLoader.LoadFiles([("a.yaml", half), ("b.yaml", half.Replace("name: a", "name: b"))]);

        var error = Assert.Single(load.Diagnostics);
        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "b.yaml"), (error.Code, error.File));
        Assert.Contains("add up to more than 3 MiB", error.Message);
    }

    [Fact]
    public void Standard_input_is_loaded_under_its_own_name_and_the_same_limits()
    {
        var ok = ConfigLoader.LoadPaths(["-"], standardInput: new StringReader("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"));
        Assert.False(ok.HasErrors, string.Join("\n", ok.Diagnostics));
        Assert.Equal(ConfigLoader.StandardInputName, Assert.Single(ok.Resources).Source.File);

        var big = ConfigLoader.LoadPaths(["-"], standardInput: new StringReader(new string('#', InputLimits.MaxBytes + 1)));
        var error = Assert.Single(big.Diagnostics);
        Assert.Equal((DiagnosticCodes.InputLimitExceeded, ConfigLoader.StandardInputName), (error.Code, error.File));
    }

    [Fact]
    public void A_diagnostic_quoting_a_value_that_spans_lines_stays_on_one_line()
    {
        var error = Load.SingleError("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \"two\\nlines\"\n");

        Assert.Equal("Namespace two\\nlines", error.ObjectRef);
        Assert.DoesNotContain('\n', error.ToString());
    }
}
