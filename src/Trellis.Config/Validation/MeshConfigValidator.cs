using Trellis.Config.Loading;

namespace Trellis.Config.Validation;

/// <summary>The ConfigMap istio-system/istio carries the mesh config: its data.mesh must be valid MeshConfig YAML.</summary>
internal static class MeshConfigValidator
{
    public static void Validate(ValidationSink sink)
    {
        if (!MeshConfigReader.IsMeshConfig(sink.Resource)) return;
        MeshConfigReader.Read(sink.Resource, sink.Diagnostics);
    }
}
