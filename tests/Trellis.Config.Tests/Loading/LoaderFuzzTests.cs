using System.Text;
using CsCheck;

namespace Trellis.Config.Tests.Loading;

/// <summary>Property: whatever text it is given — the repo's manifests and the seeds, mutated at random — the loader and
/// the analysis behind <c>trellis analyze</c> return diagnostics, never throw, and finish within a bound.
/// CI runs a fixed set of cases (a fixed seed, a few seconds). For a longer random run by hand:
/// <c>TRELLIS_FUZZ_SECONDS=600 dotnet test tests/Trellis.Config.Tests --filter LoaderFuzz</c>; a failure prints the
/// shrunk input and the CsCheck seed that replays it.</summary>
public class LoaderFuzzTests
{
    private const int FixedSeed = 20261202;
    private const int FixedCases = 400;
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private static readonly string[] Corpus = LoadCorpus();

    // Fragments that have broken YAML loaders: flow and block mixed, nulls and lists where scalars go, anchors,
    // tags, deep nesting, duplicate keys, odd scalars.
    private static readonly string[] Fragments =
    [
        "[", "]", "{", "}", ":", ": ", "- ", "\n", "\n  ", "\n- ", ",", "~", "null", "[~]", "[[x]]", "{a: [b}", "a: [b\n- c",
        "&a ", "*a", "<<: *a\n", "!!binary ", "!!map ", "? ", "|\n  ", ">-\n  ", "\"", "'", "\\u0000", "#", "---\n", "...\n",
        "\t", "1e999", "-0", "0x1F", "true", "NaN", "9999999999999999999999", "\"\\x\"", "%YAML 1.2\n", "\uFEFF", "\u2028",
        new string('[', 300), new string('{', 300) + "a", "hosts: [~]", "weight: ninety", "timeout: 1h1h", "regex: (a",
        "apiVersion: v1\n", "kind: List\nitems:\n- ", "metadata: {name: x, annotations: {a: b}}\n",
    ];

    [Fact]
    public void Mutated_manifests_always_end_in_diagnostics_within_a_time_bound()
    {
        var seconds = Environment.GetEnvironmentVariable("TRELLIS_FUZZ_SECONDS");
        if (int.TryParse(seconds, out var time) && time > 0)
        {
            Mutated.Sample(LoadsWithinBound, time: time, threads: Environment.ProcessorCount, print: Show);
            return;
        }
        var pcg = new PCG(1, FixedSeed);
        for (var i = 0; i < FixedCases; i++)
        {
            var input = Mutated.Generate(pcg, null, out _);
            try
            {
                LoadsWithinBound(input);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"case {i} of seed {FixedSeed} failed: {e.Message}\n--- input ---\n{Show(input)}");
            }
        }
    }

    private static readonly Gen<string> Mutation = Gen.OneOf(
        Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]),
        Gen.Char.Array[1, 8].Select(c => new string(c)),
        Gen.Const(""));

    /// <summary>A corpus file with 1 to 8 edits: a fragment inserted, a span deleted or a span repeated.</summary>
    private static readonly Gen<string> Mutated =
        Gen.Select(Gen.Int[0, Corpus.Length - 1], Gen.Select(Gen.Int[0, 2], Gen.Double.Unit, Gen.Int[0, 200], Mutation).Array[1, 8])
            .Select((file, edits) => edits.Aggregate(Corpus[file], (text, edit) => Edit(text, edit.Item1, edit.Item2, edit.Item3, edit.Item4)));

    private static string Edit(string text, int kind, double where, int length, string fragment)
    {
        var at = (int)(where * text.Length);
        var span = Math.Min(length, text.Length - at);
        return kind switch
        {
            0 => text.Insert(at, fragment),
            1 => text.Remove(at, span),
            _ => text.Insert(at, text.Substring(at, span)),
        };
    }

    private static void LoadsWithinBound(string yaml)
    {
        var work = Task.Run(() =>
        {
            var load = ConfigLoader.LoadText(yaml, "fuzz.yaml");
            var all = ConfigValidator.Validate(load);
            Assert.All(all, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
            Assert.All(all, d => Assert.DoesNotContain('\n', d.ToString()));
        });
        if (!work.Wait(PerCase)) throw new TimeoutException($"loading took longer than {PerCase.TotalSeconds} s");
        work.GetAwaiter().GetResult();
    }

    private static string Show(string yaml) => yaml.Length <= 4000 ? yaml : yaml[..4000] + $"... ({yaml.Length} characters)";

    private static string[] LoadCorpus()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Trellis.sln"))) root = root.Parent;
        var samples = root is null ? [] : Directory.EnumerateFiles(Path.Combine(root.FullName, "samples"), "*.yaml", SearchOption.AllDirectories);
        var seeds = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Seeds"), "*.yaml");
        return samples.Concat(seeds).Order(StringComparer.Ordinal).Select(f => File.ReadAllText(f, Encoding.UTF8)).ToArray();
    }
}
