using Trellis.Config.Semantics;

namespace Trellis.Config.Analysis;

/// <summary>IST0101 for a delegate VirtualService that does not exist, TRL0114 for delegated rules that route nothing:
/// the control plane drops them as istiod does, silently; analyze says so.</summary>
internal sealed class DelegationCheck : IMeshCheck
{
    public IEnumerable<Diagnostic> Check(MeshIndex mesh)
    {
        var problems = new List<DelegationProblem>();
        VirtualServiceDelegation.Merge(mesh.Resources, mesh.Settings.ExportToDefaults, problems.Add);
        return problems.Select(p => Diagnostic.For(Severity.Warning,
            p.DelegateMissing ? DiagnosticCodes.ReferencedResourceNotFound : DiagnosticCodes.IneffectiveDelegation,
            p.Root, p.Path, p.Message));
    }
}
