namespace Trellis.Config;

/// <summary>Diagnostic codes: istioctl analyze's codes where one matches, Trellis's own TRL codes otherwise.</summary>
public static class DiagnosticCodes
{
    /// <summary>A referenced host, subset or gateway does not exist.</summary>
    public const string ReferencedResourceNotFound = "IST0101";
    /// <summary>An object does not conform to its schema (unknown field, wrong type, out of range).</summary>
    public const string SchemaValidationError = "IST0106";
    /// <summary>Two mesh-bound VirtualServices claim the same host.</summary>
    public const string ConflictingMeshGatewayVirtualServiceHosts = "IST0109";
    /// <summary>Several Sidecars with a workloadSelector select the same workload.</summary>
    public const string ConflictingSidecarWorkloadSelectors = "IST0110";
    /// <summary>A namespace has more than one Sidecar without a workloadSelector.</summary>
    public const string MultipleSidecarsWithoutWorkloadSelectors = "IST0111";
    /// <summary>A Deployment is not selected by any Service.</summary>
    public const string DeploymentRequiresServiceAssociated = "IST0117";
    /// <summary>A regular expression does not compile under RE2 rules.</summary>
    public const string InvalidRegexp = "IST0121";
    /// <summary>A policy's workload selector matches no workload.</summary>
    public const string NoMatchingWorkloadsFound = "IST0127";
    /// <summary>A deprecated or suspicious field that still works.</summary>
    public const string SchemaWarning = "IST0133";

    /// <summary>The YAML itself is malformed.</summary>
    public const string YamlSyntaxError = "TRL0001";
    /// <summary>The same kind/namespace/name appears twice in one load.</summary>
    public const string DuplicateObject = "TRL0002";
    /// <summary>The kind is not one Trellis knows.</summary>
    public const string UnknownKind = "TRL0003";
    /// <summary>The kind is known but not under this apiVersion.</summary>
    public const string UnknownApiVersion = "TRL0004";
    /// <summary>apiVersion, kind or metadata.name is missing.</summary>
    public const string MissingRequiredField = "TRL0005";
    /// <summary>A known kind Trellis accepts but does not act on yet.</summary>
    public const string NotYetEnforced = "TRL0006";
    /// <summary>A file or directory could not be read.</summary>
    public const string UnreadableInput = "TRL0007";
    /// <summary>Input beyond one of <see cref="InputLimits"/>: size, nesting, object count, annotation size.</summary>
    public const string InputLimitExceeded = "TRL0008";
    /// <summary>Two VirtualServices claim the same host on the same (non-mesh) gateway.</summary>
    public const string ConflictingGatewayVirtualServiceHosts = "TRL0109";
    /// <summary>A DestinationRule subset selects no pod template.</summary>
    public const string SubsetSelectsNoPods = "TRL0110";
    /// <summary>A Service selects no Deployment's pods.</summary>
    public const string ServiceSelectsNoPods = "TRL0111";
    /// <summary>A later DestinationRule redefines a subset of the same host with other labels; the older one wins.</summary>
    public const string DuplicateSubset = "TRL0112";
    /// <summary>A PeerAuthentication that never takes effect: an older one at the same scope wins, or it has a
    /// selector in the root namespace.</summary>
    public const string IgnoredPeerAuthentication = "TRL0113";
    /// <summary>A root VirtualService's delegated rule that routes nothing: its delegate is not exported to the root's
    /// namespace, or a delegate rule matches outside the root rule's matches.</summary>
    public const string IneffectiveDelegation = "TRL0114";
    /// <summary>A Kubernetes Ingress the mesh does not serve (another class), or one of its paths it cannot route.</summary>
    public const string IngressNotServed = "TRL0115";
}
