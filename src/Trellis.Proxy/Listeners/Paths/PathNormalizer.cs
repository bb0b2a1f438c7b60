using System.Text;
using EscapedSlashes = Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManager.Types.PathWithEscapedSlashesAction;

namespace Trellis.Proxy.Listeners.Paths;

/// <summary>What the connection manager does with a request after its path was normalized.</summary>
internal enum PathOutcome { Continue, Reject, Redirect }

/// <summary>Turns a request's raw path (no query, no fragment) into the one path routing, RBAC and the upstream all
/// see, in Envoy's order: escaped slashes first (%2F and %5C, per path_with_escaped_slashes_action), then
/// normalize_path (percent-decoding of unreserved characters, backslash to slash, dot-segments resolved, other
/// characters a path may not hold escaped), then merge_slashes. A NUL, raw or escaped, is always refused: no
/// backend reads a path with one the way a policy does.</summary>
internal static class PathNormalizer
{
    public static PathOutcome Normalize(string path, PathNormalization settings, out string normalized, out string? why)
    {
        normalized = path;
        why = null;
        if (path.Contains('\0') || path.Contains("%00", StringComparison.Ordinal))
        {
            why = "the path holds a NUL character";
            return PathOutcome.Reject;
        }
        var outcome = PathOutcome.Continue;
        if (settings.EscapedSlashes != EscapedSlashes.KeepUnchanged && HasEscapedSlash(path))
        {
            if (settings.EscapedSlashes == EscapedSlashes.RejectRequest)
            {
                why = "the path holds an escaped slash (%2F or %5C) and path_with_escaped_slashes_action is REJECT_REQUEST";
                return PathOutcome.Reject;
            }
            normalized = UnescapeSlashes(normalized);
            if (settings.EscapedSlashes == EscapedSlashes.UnescapeAndRedirect) outcome = PathOutcome.Redirect;
        }
        if (settings.NormalizePath) normalized = RemoveDotSegments(Canonicalize(normalized));
        if (settings.MergeSlashes) normalized = MergeSlashes(normalized);
        return outcome;
    }

    /// <summary>The path and query of a request target: origin-form as is, absolute-form from its path on;
    /// the fragment, which a client must not send, is dropped, as Envoy strips it.</summary>
    public static (string Path, string Query) Split(string target)
    {
        if (target.Length > 0 && target[0] != '/')
        {
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            if (scheme > 0)
            {
                var slash = target.IndexOf('/', scheme + 3);
                target = slash < 0 ? "/" : target[slash..];
            }
        }
        var hash = target.IndexOf('#');
        if (hash >= 0) target = target[..hash];
        var question = target.IndexOf('?');
        return question < 0 ? (target, "") : (target[..question], target[question..]);
    }

    private static bool HasEscapedSlash(string path) =>
        path.Contains("%2F", StringComparison.OrdinalIgnoreCase) || path.Contains("%5C", StringComparison.OrdinalIgnoreCase);

    private static string UnescapeSlashes(string path) => path
        .Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
        .Replace("%5C", "\\", StringComparison.OrdinalIgnoreCase);

    /// <summary>Decodes escapes of unreserved characters (RFC 3986 §2.3), writes the hex of other escapes in upper
    /// case (§6.2.2.1), turns backslashes into slashes and escapes what a path may not hold.</summary>
    private static string Canonicalize(string path)
    {
        if (!NeedsCanonicalizing(path)) return path;
        var builder = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
            {
                var decoded = (char)Convert.ToInt32(path.Substring(i + 1, 2), 16);
                if (IsUnreserved(decoded)) builder.Append(decoded);
                else builder.Append('%').Append(char.ToUpperInvariant(path[i + 1])).Append(char.ToUpperInvariant(path[i + 2]));
                i += 2;
            }
            else if (c == '\\') builder.Append('/');
            else if (c == '%' || IsPathCharacter(c)) builder.Append(c);
            else foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }

    private static bool NeedsCanonicalizing(string path)
    {
        foreach (var c in path)
            if (c is '%' or '\\' || !IsPathCharacter(c)) return true;
        return false;
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    /// <summary>RFC 3986 pchar and "/", less the percent sign, which the caller handles.</summary>
    private static bool IsPathCharacter(char c) => IsUnreserved(c) || c is '/' or ':' or '@' or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    /// <summary>RFC 3986 §5.2.4; a path that climbs above the root stays at the root.</summary>
    private static string RemoveDotSegments(string path)
    {
        if (path.Length == 0 || path[0] != '/' || !path.Contains('.')) return path;
        var segments = path.Split('/');
        var output = new List<string>(segments.Length);
        // segments[0] is the empty string before the leading slash.
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment == ".")
            {
                if (last) output.Add("");
            }
            else if (segment == "..")
            {
                if (output.Count > 0) output.RemoveAt(output.Count - 1);
                if (last) output.Add("");
            }
            else
            {
                output.Add(segment);
            }
        }
        return "/" + string.Join('/', output);
    }

    private static string MergeSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal)) return path;
        var builder = new StringBuilder(path.Length);
        foreach (var c in path)
            if (c != '/' || builder.Length == 0 || builder[^1] != '/') builder.Append(c);
        return builder.ToString();
    }
}
