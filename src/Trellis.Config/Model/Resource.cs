using Trellis.Config.Loading;

namespace Trellis.Config.Model;

/// <summary>One Kubernetes-style object as loaded from a file: identity, typed spec and where it came from.</summary>
public sealed class Resource
{
    /// <summary>Creates a resource; <paramref name="locator"/> maps field paths back to source positions.</summary>
    internal Resource(string apiVersion, string kind, ObjectMeta metadata, object? spec, SourceLocation source, bool enforced, FieldLocator? locator = null)
    {
        ApiVersion = apiVersion;
        Kind = kind;
        Metadata = metadata;
        Spec = spec;
        Source = source;
        IsEnforced = enforced;
        _locator = locator;
    }

    private readonly FieldLocator? _locator;

    /// <summary>e.g. <c>networking.istio.io/v1</c> or <c>v1</c>.</summary>
    public string ApiVersion { get; }

    /// <summary>e.g. <c>VirtualService</c>.</summary>
    public string Kind { get; }

    /// <summary>The API group (empty for the core group).</summary>
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    /// <summary>Name, namespace, labels, annotations.</summary>
    public ObjectMeta Metadata { get; }

    /// <summary>The typed spec (e.g. <c>VirtualServiceSpec</c>); for kinds Trellis does not enforce yet, the raw tree
    /// (<c>ImmutableDictionary&lt;string, object?&gt;</c>, lists and strings); null when absent.</summary>
    public object? Spec { get; }

    /// <summary>Where the object's document starts.</summary>
    public SourceLocation Source { get; }

    /// <summary>False for known kinds that Trellis accepts but does not act on yet.</summary>
    public bool IsEnforced { get; }

    /// <summary><c>Kind namespace/name</c>.</summary>
    public ObjectRef Ref => new(Kind, Metadata.Namespace, Metadata.Name);

    /// <summary>The position of a field such as <c>spec.http[0].route[1].weight</c>, or of its closest existing parent.</summary>
    public SourceLocation LocationOf(string fieldPath) => _locator?.Locate(fieldPath) ?? Source;

    /// <summary>The same object with another spec (a merged view of it), still located in its own source.</summary>
    internal Resource WithSpec(object spec) => new(ApiVersion, Kind, Metadata, spec, Source, IsEnforced, _locator);

    /// <summary>An object generated from this one (a Gateway from an Ingress), located at this one's source.</summary>
    internal Resource Derived(string apiVersion, string kind, ObjectMeta metadata, object spec) => new(apiVersion, kind, metadata, spec, Source, enforced: true);

    /// <summary>The typed spec, or null when this resource's spec is of another type.</summary>
    public T? SpecAs<T>() where T : class => Spec as T;

    /// <inheritdoc/>
    public override string ToString() => Ref.ToString();
}
