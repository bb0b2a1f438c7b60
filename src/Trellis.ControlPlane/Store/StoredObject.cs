using Trellis.Config.Model;

namespace Trellis.ControlPlane.Store;

/// <summary>One applied object with the YAML it came from.</summary>
internal sealed record StoredObject(Resource Resource, string Yaml, DateTimeOffset Applied)
{
    public ObjectKey Key => ObjectKey.Of(Resource);
}

/// <summary>Identity of an object in the store: kind, namespace, name (as Kubernetes keys objects).</summary>
internal readonly record struct ObjectKey(string Kind, string Namespace, string Name)
{
    public static ObjectKey Of(Resource r) => new(r.Kind, r.Metadata.Namespace ?? "", r.Metadata.Name);

    public override string ToString() => Namespace.Length == 0 ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    public string FileName => $"{Kind}.{(Namespace.Length == 0 ? "_" : Namespace)}.{Name}.yaml";
}
