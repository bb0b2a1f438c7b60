using System.Diagnostics;
using Trellis.EndToEnd.Harness;

namespace Trellis.EndToEnd.Scenarios;

/// <summary>`trellis analyze` checks a folder of manifests without any mesh running.</summary>
public sealed class AnalyzeTests
{
    private readonly TrellisCli _cli = new(Directory.CreateTempSubdirectory("trellis-analyze-").FullName);

    [Fact]
    public async Task The_bookinfo_sample_analyzes_clean()
    {
        var result = await _cli.RunAsync("analyze", "-f", Repo.Path("samples", "bookinfo"));
        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public async Task A_misspelled_field_and_a_missing_subset_are_reported_with_their_location()
    {
        var dir = Directory.CreateTempSubdirectory("trellis-analyze-bad-").FullName;
        File.Copy(Repo.Path("samples", "bookinfo", "bookinfo.yaml"), Path.Combine(dir, "bookinfo.yaml"));
        await File.WriteAllTextAsync(Path.Combine(dir, "reviews.yaml"), """
            apiVersion: networking.istio.io/v1beta1
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
                - destination:
                    host: reviews
                    subset: v9
            """);

        var result = await _cli.RunAsync("analyze", "-f", dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("reviews.yaml:11:", result.Stdout);
        Assert.Contains("did you mean \"destination\"", result.Stdout);
        Assert.Contains("VirtualService bookinfo/reviews", result.Stdout);
    }

    [Fact]
    public async Task Manifests_piped_on_standard_input_are_analyzed_as_apply_reads_them()
    {
        using var process = Process.Start(_cli.StartInfo(["analyze", "-f", "-"]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(await File.ReadAllTextAsync(Repo.Path("samples", "bookinfo", "bookinfo.yaml")) + """

            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v9}
            """);
        process.StandardInput.Close();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 1, await stdout + await stderr);
        Assert.Contains("VirtualService bookinfo/reviews <stdin>:", await stdout);
        Assert.Contains("\"reviews+v9\"", await stdout);
    }
}
