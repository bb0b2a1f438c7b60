using Trellis.Config.Model.Networking;

namespace Trellis.Config.Validation;

/// <summary>Schema rules of ServiceEntry: hosts, port ranges and exportTo.</summary>
internal static class ServiceEntryValidator
{
    public static void Validate(ValidationSink sink, ServiceEntrySpec spec)
    {
        if (spec.Hosts is not { Count: > 0 } hosts) sink.Error("spec.hosts", "a ServiceEntry needs at least one host");
        else for (var i = 0; i < hosts.Count; i++) HostValidation.Check(sink, $"spec.hosts[{i}]", hosts[i]);
        for (var i = 0; i < (spec.Ports?.Count ?? 0); i++)
        {
            sink.Port($"spec.ports[{i}].number", spec.Ports![i].Number, required: true);
            sink.Port($"spec.ports[{i}].targetPort", spec.Ports[i].TargetPort);
        }
        // A ServiceEntry may be exported to no namespace: only the proxies of its own workloads see it.
        ExportToValidation.Check(sink, "spec.exportTo", spec.ExportTo, allowNone: true);
    }
}
