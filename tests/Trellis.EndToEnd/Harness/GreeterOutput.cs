using System.Text.RegularExpressions;

namespace Trellis.EndToEnd.Harness;

/// <summary>The lines `grpc-greeter call` and greeter-client.js print: one per reply
/// (<c>version=v1 pod=... seq=1 message="..." end-user=jason</c>), <c>error status=...</c> per failed call, and
/// <c>status=OK received=N trailers: ...</c> after a stream.</summary>
internal static partial class GreeterOutput
{
    public sealed record Reply(string Version, string Pod, int Sequence, string Metadata);

    [GeneratedRegex(@"^version=(?<version>\S+) pod=(?<pod>\S+) seq=(?<seq>\d+) message=""[^""]*""(?<metadata>.*)$")]
    private static partial Regex ReplyLine();

    public static IReadOnlyList<Reply> Replies(string stdout) =>
        [.. Lines(stdout).Select(l => ReplyLine().Match(l)).Where(m => m.Success)
            .Select(m => new Reply(m.Groups["version"].Value, m.Groups["pod"].Value, int.Parse(m.Groups["seq"].Value), m.Groups["metadata"].Value))];

    public static IReadOnlyList<string> Errors(string stdout) => [.. Lines(stdout).Where(l => l.StartsWith("error ", StringComparison.Ordinal))];

    public static Dictionary<string, int> Tally(string stdout) =>
        Replies(stdout).GroupBy(r => r.Version).ToDictionary(g => g.Key, g => g.Count());

    private static IEnumerable<string> Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
