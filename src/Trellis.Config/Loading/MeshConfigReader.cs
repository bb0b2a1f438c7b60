using Trellis.Config.Model;
using Trellis.Config.Model.Core;
using Trellis.Config.Model.Mesh;
using Trellis.Config.Validation;
using YamlDotNet.RepresentationModel;

namespace Trellis.Config.Loading;

/// <summary>Reads Istio's mesh config: the YAML in <c>data.mesh</c> of the ConfigMap <c>istio-system/istio</c>.
/// The analyzer and the control plane both read it here, so they agree on what it means.</summary>
public static class MeshConfigReader
{
    public const string ConfigMapNamespace = "istio-system";
    public const string ConfigMapName = "istio";
    public const string DataKey = "mesh";

    /// <summary>The <c>defaultConfig.proxyMetadata</c> key that lets gateways show x-trellis-reason to outside clients.</summary>
    public const string GatewayReasonsKey = "TRELLIS_GATEWAY_REASONS";

    private const string MeshPath = "data." + DataKey;

    public static bool IsMeshConfig(Resource resource) =>
        resource.Kind == "ConfigMap" && resource.Metadata.Name == ConfigMapName && resource.Metadata.Namespace == ConfigMapNamespace;

    /// <summary>The settings in effect for a set of stored objects; defaults when there is no mesh config.</summary>
    public static MeshSettings Settings(IEnumerable<Resource> resources)
    {
        var configMap = resources.FirstOrDefault(IsMeshConfig);
        if (configMap is null) return MeshSettings.Default;
        var spec = Read(configMap, []);
        var reasons = spec?.DefaultConfig?.ProxyMetadata?.GetValueOrDefault(GatewayReasonsKey);
        return new MeshSettings(spec?.OutboundTrafficPolicy?.Mode ?? MeshSettings.Default.OutboundMode,
            reasons is { } r && bool.TryParse(r, out var on) ? on : MeshSettings.Default.GatewayReasons,
            string.IsNullOrEmpty(spec?.TrustDomain) ? MeshSettings.DefaultTrustDomain : spec.TrustDomain,
            string.IsNullOrEmpty(spec?.RootNamespace) ? MeshSettings.DefaultRootNamespace : spec.RootNamespace)
        {
            ExtensionProviders = spec?.ExtensionProviders ?? [],
            PathNormalization = spec?.PathNormalization?.Normalization is { } n and not "DEFAULT" ? n : ProxyPathNormalization.Base,
            AutoMtls = spec?.EnableAutoMtls ?? true,
            H2Upgrade = spec?.H2UpgradePolicy == Model.Networking.H2UpgradePolicies.Upgrade,
            TcpKeepalive = spec?.TcpKeepalive,
            AccessLogFile = string.IsNullOrEmpty(spec?.AccessLogFile) ? null : spec.AccessLogFile,
            DefaultAccessLogProviders = spec?.DefaultProviders?.AccessLogging ?? [],
            AccessLogEncoding = spec?.AccessLogEncoding ?? "TEXT",
            AccessLogFormat = string.IsNullOrEmpty(spec?.AccessLogFormat) ? null : spec.AccessLogFormat,
            EnableTracing = spec?.EnableTracing ?? true,
            TracingDefaults = spec?.DefaultConfig?.Tracing ?? new ProxyTracingDefaults(),
            DefaultTracingProviders = spec?.DefaultProviders?.Tracing ?? [],
            Concurrency = spec?.DefaultConfig?.Concurrency,
            ExportToDefaults = ExportToDefaultsOf(spec),
            Ingress = IngressOf(spec),
        };
    }

    // As istiod's getIngressGatewaySelector: ingressSelector, else an ingressService other than the default's name.
    private static IngressSettings IngressOf(MeshConfigSpec? spec)
    {
        var istio = IngressSettings.Default;
        var selector = !string.IsNullOrEmpty(spec?.IngressSelector) ? spec.IngressSelector
            : spec?.IngressService is { Length: > 0 } service && service != "istio-ingressgateway" ? service : istio.Selector;
        return new IngressSettings(spec?.IngressControllerMode is { Length: > 0 } mode and not "UNSPECIFIED" ? mode : istio.Mode,
            string.IsNullOrEmpty(spec?.IngressClass) ? istio.Class : spec.IngressClass, selector);
    }

    /// <summary>Parses and checks <c>data.mesh</c>; every finding is reported at that field of the ConfigMap.</summary>
    // As istiod's initDefaultExportMaps: a default that is unset (or empty) is "*"; a set one replaces it whole.
    private static Semantics.ExportToDefaults ExportToDefaultsOf(MeshConfigSpec? spec)
    {
        var istio = Semantics.ExportToDefaults.Public;
        return new Semantics.ExportToDefaults(
            spec?.DefaultServiceExportTo is { Count: > 0 } service ? service : istio.Service,
            spec?.DefaultVirtualServiceExportTo is { Count: > 0 } virtualService ? virtualService : istio.VirtualService,
            spec?.DefaultDestinationRuleExportTo is { Count: > 0 } destinationRule ? destinationRule : istio.DestinationRule);
    }

    internal static MeshConfigSpec? Read(Resource configMap, List<Diagnostic> diagnostics)
    {
        if (configMap.Spec is not ConfigMapSpec { Data: { } data } || !data.TryGetValue(DataKey, out var text)) return null;
        var found = new List<Diagnostic>();
        var documents = YamlDocumentReader.Read(text, MeshPath, found);
        MeshConfigSpec? spec = null;
        if (documents.Count > 1)
            found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError, "holds more than one YAML document; a mesh config is one map", null));
        else if (documents.Count == 1 && documents[0] is not YamlMappingNode)
            found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError, "must be a map of MeshConfig fields (outboundTrafficPolicy, defaultConfig, ...)", null));
        else if (documents.Count == 1)
            spec = new NodeBinder(new BindContext(MeshPath, found)).Bind<MeshConfigSpec>(documents[0], "");
        if (spec?.DefaultConfig?.ProxyMetadata?.GetValueOrDefault(GatewayReasonsKey) is { } reasons && !bool.TryParse(reasons, out _))
            found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError, $"invalid value \"{reasons}\", expected \"true\" or \"false\"", null,
                fieldPath: $"defaultConfig.proxyMetadata.{GatewayReasonsKey}"));
        if (spec?.DefaultConfig?.Concurrency is < 0)
            found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError, "must be 0 (one thread per core) or a thread count", null,
                fieldPath: "defaultConfig.concurrency"));
        if (spec is not null) ExtensionProviderValidation.Check(spec.ExtensionProviders, found);
        if (spec?.OutboundTrafficPolicy?.Tls is not null)
            found.Add(Diagnostic.Info(DiagnosticCodes.NotYetEnforced,
                "TLS to unknown destinations (outboundTrafficPolicy.tls) is accepted, not yet enforced by Trellis: they get the app's own connection",
                null, fieldPath: "outboundTrafficPolicy.tls"));
        ExportToValidation.CheckMeshDefault(found, "defaultServiceExportTo", spec?.DefaultServiceExportTo);
        ExportToValidation.CheckMeshDefault(found, "defaultVirtualServiceExportTo", spec?.DefaultVirtualServiceExportTo);
        ExportToValidation.CheckMeshDefault(found, "defaultDestinationRuleExportTo", spec?.DefaultDestinationRuleExportTo);
        if (spec is { AccessLogEncoding: "JSON", AccessLogFormat: { Length: > 0 } jsonFormat } && Semantics.AccessLogJsonFormat.Fields(jsonFormat) is null)
            found.Add(Diagnostic.Error(DiagnosticCodes.SchemaValidationError,
                "with accessLogEncoding JSON the format is a JSON object of field names to command operators, such as {\"code\": \"%RESPONSE_CODE%\"}",
                null, fieldPath: "accessLogFormat"));
        var at = configMap.LocationOf(MeshPath);
        foreach (var d in found)
        {
            diagnostics.Add(d with
            {
                File = at.File,
                Line = at.Line,
                Column = at.Column,
                ObjectRef = configMap.Ref.ToString(),
                FieldPath = string.IsNullOrEmpty(d.FieldPath) ? MeshPath : $"{MeshPath}.{d.FieldPath}",
                Message = d.Line > 0 ? $"{d.Message} (line {d.Line} of the mesh config)" : d.Message,
            });
        }
        return found.Any(d => d.Severity == Severity.Error) ? null : spec;
    }
}
