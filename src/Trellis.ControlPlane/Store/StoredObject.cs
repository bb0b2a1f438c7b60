using Trellis.Config.Model;

namespace Trellis.ControlPlane.Store;

/// <summary>One applied object, the YAML it came from, and the file the user applied it from
/// (relative container commands resolve against that file's folder).</summary>
internal sealed record StoredObject(Resource Resource, string Yaml, string Origin, DateTimeOffset Applied)
{
    public ObjectKey Key => ObjectKey.Of(Resource);
}

/// <summary>Identity of an object in the store: API group, kind, namespace, name — the group keeps
/// Istio's Gateway and Gateway API's Gateway apart.</summary>
internal readonly record struct ObjectKey(string Group, string Kind, string Namespace, string Name)
{
    public static ObjectKey Of(Resource r) => new(r.Group, r.Kind, r.Metadata.Namespace ?? "", r.Metadata.Name);

    public override string ToString() => Namespace.Length == 0 ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    public string FileName =>
        $"{Kind}.{(Group.Length == 0 ? "core" : Group)}.{(Namespace.Length == 0 ? "_" : Namespace)}.{Name}.yaml";
}
