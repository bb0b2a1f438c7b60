using CsCheck;

namespace Trellis.Proxy.Tests.Support;

/// <summary>Runs a property over inputs from a CsCheck generator. In CI every run draws the same inputs from a
/// fixed seed, for a few seconds at most. By hand, TRELLIS_FUZZ_SECONDS=600 samples fresh inputs for that long
/// on every core (CsCheck shrinks what fails and prints its seed), and TRELLIS_FUZZ_SEED=&lt;seed&gt; replays it.
/// An input the property does not finish within <see cref="HangLimit"/> fails as a hang.</summary>
internal static class Fuzz
{
    private const uint FixedStream = 7;
    private const ulong FixedSeed = 20261202;
    private static readonly TimeSpan CiBudget = TimeSpan.FromSeconds(3);
    // The slowest legitimate input is an 8M-point ring hash (Envoy's own cap), several seconds on a busy CI machine.
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);

    /// <summary><paramref name="shared"/>: the property drives one shared object (a proxy), so even by hand it runs on one thread.</summary>
    public static void Check<T>(Gen<T> gen, Action<T> property, int iterations, bool shared = false)
    {
        var bounded = Bounded(property);
        if (Environment.GetEnvironmentVariable("TRELLIS_FUZZ_SEED") is { Length: > 0 } seed)
        {
            gen.Sample(bounded, seed: seed, iter: 1, threads: 1);
            return;
        }
        if (int.TryParse(Environment.GetEnvironmentVariable("TRELLIS_FUZZ_SECONDS"), out var seconds) && seconds > 0)
        {
            gen.Sample(bounded, time: seconds, threads: shared ? 1 : -1);
            return;
        }
        var pcg = new PCG(FixedStream, FixedSeed);
        var stop = DateTime.UtcNow + CiBudget;
        for (var i = 0; i < iterations && DateTime.UtcNow < stop; i++)
        {
            var state = pcg.State;
            var input = gen.Generate(pcg, null, out _);
            try
            {
                bounded(input);
            }
            catch (Exception e)
            {
                throw new FuzzFailure($"input {i} failed; replay it with TRELLIS_FUZZ_SEED={pcg.ToString(state)}: {CsCheck.Check.Print(input)}", e);
            }
        }
    }

    private static Action<T> Bounded<T>(Action<T> property) => input =>
    {
        var run = Task.Run(() => property(input));
        if (!run.Wait(HangLimit)) throw new TimeoutException($"the property did not finish within {HangLimit.TotalSeconds} s");
    };
}

internal sealed class FuzzFailure(string message, Exception inner) : Exception(message, inner);
