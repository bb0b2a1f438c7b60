using Trellis.Config.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Trellis.Config.Loading;

/// <summary>Passes YAML parser events through to the representation model and stops the stream, before any node is built
/// for it, once a document nests deeper than <see cref="InputLimits.MaxDepth"/>, holds more than
/// <see cref="InputLimits.MaxNodes"/> nodes, or the file holds more than <see cref="InputLimits.MaxObjects"/> documents.
/// It notes the document's kind and metadata name and namespace as they go by, so the refusal can name the object.</summary>
internal sealed class GuardedParser(IParser inner) : IParser
{
    private readonly Stack<Frame> _open = new();
    private int _documents;
    private int _nodes;
    private string? _kind;
    private string? _name;
    private string? _namespace;

    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last event parsed ended: the parser's last good position.</summary>
    public Mark Position { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        var current = inner.Current!;
        Position = current.End;
        switch (current)
        {
            case DocumentStart:
                if (++_documents > InputLimits.MaxObjects)
                    throw new InputLimitException(current.Start, null, $"more than {InputLimits.MaxObjects} documents in one file (the limit is {InputLimits.MaxObjects} objects per apply)");
                (_nodes, _kind, _name, _namespace) = (0, null, null, null);
                break;
            case MappingStart or SequenceStart:
                CountNode(current);
                if (_open.Count >= InputLimits.MaxDepth)
                    throw new InputLimitException(current.Start, ObjectRef, $"nested deeper than {InputLimits.MaxDepth} levels (the limit)");
                _open.Push(new Frame(current is MappingStart, ExpectsKey: true, KeyInParent(), PendingKey: null));
                break;
            case MappingEnd or SequenceEnd:
                _open.Pop();
                Completed(null);
                break;
            case Scalar scalar:
                CountNode(current);
                Completed(scalar.Value);
                break;
            case AnchorAlias:
                CountNode(current);
                Completed(null);
                break;
        }
        return true;
    }

    private string? ObjectRef => _kind is not null && _name is not null ? new ObjectRef(_kind, _namespace, _name).ToString() : null;

    private void CountNode(ParsingEvent current)
    {
        if (++_nodes > InputLimits.MaxNodes)
            throw new InputLimitException(current.Start, ObjectRef, $"more than {InputLimits.MaxNodes} YAML nodes in one document (the limit)");
    }

    private string? KeyInParent() =>
        _open.TryPeek(out var parent) && parent.IsMapping && !parent.ExpectsKey ? parent.PendingKey : null;

    /// <summary>A node ended: in a map it was a key (the value comes next) or a value (a key comes next). A scalar value
    /// of the top-level <c>kind</c> or of <c>metadata.name</c> or <c>metadata.namespace</c> identifies the object.</summary>
    private void Completed(string? scalar)
    {
        if (!_open.TryPop(out var parent)) return;
        if (!parent.IsMapping)
        {
            _open.Push(parent);
            return;
        }
        if (parent.ExpectsKey)
        {
            _open.Push(parent with { ExpectsKey = false, PendingKey = scalar });
            return;
        }
        _open.Push(parent with { ExpectsKey = true, PendingKey = null });
        if (scalar is null) return;
        if (_open.Count == 1 && parent.PendingKey == "kind") _kind = scalar;
        else if (_open.Count == 2 && parent.Key == "metadata" && parent.PendingKey == "name") _name = scalar;
        else if (_open.Count == 2 && parent.Key == "metadata" && parent.PendingKey == "namespace") _namespace = scalar;
    }

    /// <param name="Key">The key under which this map or list sits in its parent map, if any.</param>
    /// <param name="PendingKey">In a map whose next event is a value, that value's key.</param>
    private readonly record struct Frame(bool IsMapping, bool ExpectsKey, string? Key, string? PendingKey);
}

/// <summary>A document exceeded one of <see cref="InputLimits"/> while being parsed.</summary>
internal sealed class InputLimitException(Mark at, string? objectRef, string message) : YamlException(at, at, message)
{
    public string? ObjectRef { get; } = objectRef;
}
