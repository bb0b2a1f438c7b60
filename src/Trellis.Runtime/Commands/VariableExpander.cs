using System.Text;

namespace Trellis.Runtime;

/// <summary>Kubernetes <c>$(VAR)</c> expansion in command, args and env values: unknown references stay
/// as written, <c>$$</c> is a literal '$'.</summary>
internal static class VariableExpander
{
    public static string Expand(string input, IReadOnlyDictionary<string, string> variables)
    {
        if (!input.Contains('$')) return input;
        var output = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c != '$' || i + 1 >= input.Length)
            {
                output.Append(c);
                continue;
            }
            var next = input[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                output.Append(variables.TryGetValue(name, out var value) ? value : $"$({name})");
                i = close;
            }
            else
            {
                output.Append(c);
            }
        }
        return output.ToString();
    }

    /// <summary>Env values in order, each seeing the variables defined before it (as in Kubernetes).</summary>
    public static Dictionary<string, string> ExpandEnvironment(IEnumerable<KeyValuePair<string, string>> env, IReadOnlyDictionary<string, string> initial)
    {
        var known = new Dictionary<string, string>(initial, StringComparer.Ordinal);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in env)
        {
            var expanded = Expand(value, known);
            known[name] = expanded;
            result[name] = expanded;
        }
        return result;
    }
}
