using Trellis.Config.Model;
using Trellis.Config.Model.Apps;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Networking;
using Trellis.Config.Model.Security;
using Trellis.Config.Model.Telemetry;

namespace Trellis.Config.Validation;

/// <summary>Runs the per-kind schema rules (beyond field types) on a freshly loaded resource.</summary>
internal static class SchemaValidators
{
    public static IReadOnlyList<Diagnostic> Validate(Resource resource)
    {
        var sink = new ValidationSink(resource);
        MetadataValidator.Validate(sink);
        switch (resource.Spec)
        {
            case VirtualServiceSpec vs: VirtualServiceValidator.Validate(sink, vs); NotYetEnforced.Report(sink, vs); break;
            case DestinationRuleSpec dr: DestinationRuleValidator.Validate(sink, dr); NotYetEnforced.Report(sink, dr); break;
            case GatewaySpec gw: GatewayValidator.Validate(sink, gw); NotYetEnforced.Report(sink, gw); break;
            case ServiceEntrySpec se: ServiceEntryValidator.Validate(sink, se); NotYetEnforced.Report(sink, se); break;
            case SidecarSpec sidecar: SidecarValidator.Validate(sink, sidecar); NotYetEnforced.Report(sink, sidecar); break;
            case ServiceSpec svc: ServiceValidator.Validate(sink, svc); ExportToValidation.CheckServiceAnnotation(sink); break;
            case DeploymentSpec deploy: DeploymentValidator.Validate(sink, deploy); break;
            case SecretSpec secret: SecretValidator.Validate(sink, secret); break;
            case RequestAuthenticationSpec ra: RequestAuthenticationValidator.Validate(sink, ra); break;
            case ConfigMapSpec: MeshConfigValidator.Validate(sink); break;
            case PeerAuthenticationSpec pa: PeerAuthenticationValidator.Validate(sink, pa); break;
            case AuthorizationPolicySpec policy: AuthorizationPolicyValidator.Validate(sink, policy); break;
            case TelemetrySpec telemetry: TelemetryValidator.Validate(sink, telemetry); break;
            case IngressSpec ingress: IngressValidator.Validate(sink, ingress); break;
            case Model.Smi.TrafficSplitSpec split: TrafficSplitValidator.Validate(sink, split); break;
        }
        if (resource.Spec is null && resource.Kind is "VirtualService" or "DestinationRule" or "Gateway" or "Service" or "Deployment" or "ServiceEntry" or "Sidecar")
            sink.Error("spec", "missing required field");
        return sink.Diagnostics;
    }
}
