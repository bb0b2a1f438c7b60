using System.Text;
using Trellis.Proxy.Completion;

namespace Trellis.Proxy.AccessLogs.Formatting;

/// <summary>One of Envoy's command operators (%NAME(ARG):MAX%), compiled once per configuration.</summary>
internal abstract class CommandOperator
{
    /// <summary>The value's length limit (the ":MAX" suffix); null for none.</summary>
    public int? MaxLength { get; init; }

    /// <summary>True when the value is a number, which JSON formats write unquoted.</summary>
    public virtual bool IsNumber => false;

    /// <summary>Appends the value; false (with nothing appended) when the record has none, which prints as "-".</summary>
    public bool TryAppend(StringBuilder output, in CompletionRecord record)
    {
        var start = output.Length;
        if (!TryAppendValue(output, record)) return false;
        if (MaxLength is { } max && output.Length - start > max) output.Length = start + max;
        return true;
    }

    protected abstract bool TryAppendValue(StringBuilder output, in CompletionRecord record);
}
