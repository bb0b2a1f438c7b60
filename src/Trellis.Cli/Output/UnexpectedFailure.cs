using System.CommandLine;

namespace Trellis.Cli.Output;

/// <summary>The last resort of every verb: an exception no verb expected ends in one line and a non-zero exit; the stack
/// trace is shown only to whoever asks for it with --verbose or TRELLIS_DEBUG=1.</summary>
internal static class UnexpectedFailure
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show the stack trace of an unexpected error (also: TRELLIS_DEBUG=1)",
        Recursive = true,
    };

    public static int Report(Exception e, bool verbose)
    {
        if (e is OperationCanceledException) return 130;
        if (verbose || Environment.GetEnvironmentVariable("TRELLIS_DEBUG") is "1" or "true")
        {
            Console.Error.WriteLine(e);
            return 1;
        }
        var inner = e is AggregateException { InnerException: { } first } ? first : e;
        Console.Error.WriteLine($"error: {inner.Message.ReplaceLineEndings(" ").TrimEnd()} (--verbose shows details)");
        return 1;
    }
}
