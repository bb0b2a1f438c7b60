using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Trellis.Proxy.Tunnels;

/// <summary>The start line and header fields of an HTTP/1.1 message read straight off a connection, for
/// what Kestrel cannot parse for us: CONNECT requests and the answers of upstream tunnels. Strict, since
/// both come from the network: bounded size, no obsolete line folding, no control characters.</summary>
internal sealed record Http1Head(string StartLine, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public const int MaxLength = 16 * 1024;
    public const int MaxHeaders = 100;

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    public enum Outcome { Incomplete, Complete, Invalid }

    /// <summary>The first value of a header, by case-insensitive name; null when absent.</summary>
    public string? Get(string name)
    {
        foreach (var (key, value) in Headers)
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    /// <summary>Reads one head from <paramref name="input"/>, consuming exactly its bytes; the error says
    /// what was wrong when there is no head.</summary>
    public static async ValueTask<(Http1Head? Head, string? Error)> ReadAsync(PipeReader input, CancellationToken ct)
    {
        while (true)
        {
            var result = await input.ReadAsync(ct);
            var buffer = result.Buffer;
            var outcome = TryParse(buffer, out var head, out var end, out var error);
            if (outcome == Outcome.Complete)
            {
                input.AdvanceTo(end);
                return (head, null);
            }
            if (outcome == Outcome.Invalid || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return (null, error ?? "the connection closed before the end of the message head");
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Parses a head at the start of <paramref name="buffer"/>; <paramref name="end"/> is just past its empty line.</summary>
    public static Outcome TryParse(ReadOnlySequence<byte> buffer, out Http1Head? head, out SequencePosition end, out string? error)
    {
        head = null;
        end = buffer.Start;
        error = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, EndOfHead, advancePastDelimiter: true))
        {
            if (buffer.Length < MaxLength) return Outcome.Incomplete;
            error = $"the message head exceeds {MaxLength} bytes";
            return Outcome.Invalid;
        }
        if (bytes.Length + EndOfHead.Length > MaxLength)
        {
            error = $"the message head exceeds {MaxLength} bytes";
            return Outcome.Invalid;
        }
        end = reader.Position;
        var lines = Encoding.Latin1.GetString(bytes).Split("\r\n");
        if (!IsFieldValue(lines[0]))
        {
            error = "the start line holds control characters";
            return Outcome.Invalid;
        }
        if (lines.Length - 1 > MaxHeaders)
        {
            error = $"more than {MaxHeaders} header fields";
            return Outcome.Invalid;
        }
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (ParseField(lines[i], out error) is not { } field) return Outcome.Invalid;
            headers.Add(field);
        }
        head = new Http1Head(lines[0], headers);
        return Outcome.Complete;
    }

    private static KeyValuePair<string, string>? ParseField(string line, out string? error)
    {
        error = null;
        var colon = line.IndexOf(':');
        if (colon <= 0 || !line.AsSpan(0, colon).ContainsOnlyToken())
        {
            error = line.Length > 0 && line[0] is ' ' or '\t'
                ? "obsolete line folding (a header line starting with whitespace) is not accepted"
                : $"malformed header field \"{Shorten(line)}\"";
            return null;
        }
        var value = line[(colon + 1)..].Trim(' ', '\t');
        if (!IsFieldValue(value))
        {
            error = $"header \"{line[..colon]}\" holds control characters";
            return null;
        }
        return new(line[..colon], value);
    }

    /// <summary>True when <paramref name="s"/> can stand in a start line or field value: no control characters but tab.</summary>
    public static bool IsFieldValue(string s)
    {
        foreach (var c in s)
            if ((c < ' ' && c != '\t') || c == '\x7f') return false;
        return true;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}

/// <summary>RFC 9110 token characters, which header names consist of.</summary>
internal static class TokenChars
{
    private static readonly SearchValues<char> Token = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool ContainsOnlyToken(this ReadOnlySpan<char> s) => s.Length > 0 && !s.ContainsAnyExcept(Token);
}
