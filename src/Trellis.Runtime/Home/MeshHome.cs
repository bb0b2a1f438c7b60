namespace Trellis.Runtime;

/// <summary>The state directory of one local mesh and the one place its layout is written down: every verb, the
/// runtime and the control plane's composition root find their files through it. Only its owner may enter it
/// (0700): it holds the admin credential, pod tokens, configuration and logs.</summary>
public sealed class MeshHome
{
    /// <summary>Where the mesh's own components (control plane, ingress gateway) keep their logs, as if they were
    /// pods in Istio's namespace.</summary>
    public const string SystemNamespace = "istio-system";

    public MeshHome(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    /// <summary>What `trellis up` started and where (<see cref="MeshState"/>).</summary>
    public string StatePath => Path.Combine(Root, "mesh.json");

    /// <summary>The local pods as the runtime publishes them (<see cref="PodStateStore"/>).</summary>
    public string PodsPath => Path.Combine(Root, "pods.json");

    /// <summary>The control plane's persisted configuration.</summary>
    public string StoreDirectory => Path.Combine(Root, "store");

    public string LogsDirectory => Path.Combine(Root, "logs");

    /// <summary>One 0700 folder per pod below it (<see cref="PodSecrets"/>).</summary>
    public string SecretsDirectory => Path.Combine(Root, "secrets");

    /// <summary>The mesh's admin credential (0600): `trellis apply`, `delete` and `get` send it as a bearer token.</summary>
    public string AdminCredentialPath => Path.Combine(Root, "admin-token");

    /// <summary>Held by the running `trellis up` for its whole life; the kernel releases it when that process dies.</summary>
    public string SupervisorLockPath => Path.Combine(Root, "supervisor.lock");

    /// <summary><c>logs/{ns}/{pod}/{container}.log</c>: one container's output.</summary>
    public string PodLogPath(string ns, string pod, string container) => Path.Combine(LogsDirectory, ns, pod, container + ".log");

    /// <summary><c>logs/istio-system/{component}.log</c>: the output of one of the mesh's own processes.</summary>
    public string SystemLogPath(string component) => Path.Combine(LogsDirectory, SystemNamespace, component + ".log");

    /// <summary><c>secrets/{ns}/{pod}/</c>: the secrets of one pod, never shared with another.</summary>
    public string PodSecretsDirectory(string ns, string pod) => Path.Combine(SecretsDirectory, ns, pod);

    /// <summary>The token that lets its holder call the mutating admin endpoints of the pod's proxy.</summary>
    public string PodAdminTokenPath(string ns, string pod) => Path.Combine(PodSecretsDirectory(ns, pod), "admin-token");

    /// <summary>The pod token (0600) the pod's proxy proves its identity with to the xDS server and the CA; `trellis up`
    /// rewrites it before it expires.</summary>
    public string PodTokenPath(string ns, string pod) => Path.Combine(PodSecretsDirectory(ns, pod), "istio-token");

    /// <summary>The control plane's identity material: the self-signed root CA and the pod-token signing key (0600).</summary>
    public string IdentityDirectory => Path.Combine(Root, "identity");

    /// <summary>The key the control plane signs pod tokens with.</summary>
    public string TokenSigningKeyPath => Path.Combine(IdentityDirectory, "token-signing-key.pem");

    /// <summary>A plug-in CA as Istio's <c>cacerts</c> secret (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem):
    /// used instead of the self-signed root when present (or given with `trellis up --cacerts DIR`).</summary>
    public string CaCertsDirectory => Path.Combine(Root, "cacerts");

    /// <summary>--home wins, then TRELLIS_HOME, then ~/.trellis.</summary>
    public static MeshHome Resolve(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option)) return new MeshHome(option);
        var env = Environment.GetEnvironmentVariable("TRELLIS_HOME");
        if (!string.IsNullOrWhiteSpace(env)) return new MeshHome(env);
        return new MeshHome(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trellis"));
    }

    /// <summary>Creates the home (0700, also when it existed with a wider mode), its folders, and the admin
    /// credential if there is none yet that only the owner can read.</summary>
    public void EnsureExists()
    {
        SecretFile.CreatePrivateDirectory(Root);
        Directory.CreateDirectory(StoreDirectory);
        Directory.CreateDirectory(LogsDirectory);
        SecretFile.Ensure(AdminCredentialPath);
    }

    /// <summary>The admin credential, or null with the reason when this user cannot read it.</summary>
    public string? ReadAdminCredential(out string? error)
    {
        try
        {
            error = null;
            return SecretFile.Read(AdminCredentialPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the mesh's admin credential {AdminCredentialPath}: {e.Message}";
            return null;
        }
    }
}
