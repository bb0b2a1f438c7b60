namespace Trellis.Config.Analysis;

/// <summary>One cross-object check of the mesh configuration.</summary>
internal interface IMeshCheck
{
    IEnumerable<Diagnostic> Check(MeshIndex mesh);
}
