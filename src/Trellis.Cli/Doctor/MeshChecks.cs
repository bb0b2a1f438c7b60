using System.Security.Cryptography.X509Certificates;
using Trellis.ControlPlane.Api;
using Trellis.LocalMode;
using Trellis.Runtime;

namespace Trellis.Cli.Doctor;

/// <summary>What `trellis doctor` checks on a running mesh: the control plane answers, every pod is ready and its
/// proxy connected with no rejected config, and the mesh's certificates are valid by this machine's clock.</summary>
internal static class MeshChecks
{
    private const string Area = "mesh";

    /// <summary>A root certificate this close to expiry is reported before workloads start failing handshakes.</summary>
    private static readonly TimeSpan ExpirySoon = TimeSpan.FromDays(30);

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(MeshHome home, MeshState state, CancellationToken ct)
    {
        var results = new List<CheckResult>();
        using var client = new ControlPlaneClient(home, state);
        if (!await client.IsHealthyAsync(ct))
        {
            results.Add(CheckResult.Fail(Area, "control plane", $"does not answer at {state.ApiUrl} (pid {state.ControlPlanePid})",
                $"read {home.SystemLogPath("trellisd")}; restart the mesh with `trellis down` and `trellis up`"));
            return results;
        }
        results.Add(CheckResult.Ok(Area, "control plane", $"healthy at {state.ApiUrl}"));
        var pods = PodStateStore.Read(home);
        results.Add(Pods(pods));
        results.AddRange(Proxies(pods, await client.ProxiesAsync(ct)));
        results.Add(RootCertificate(home, DateTimeOffset.UtcNow));
        return results;
    }

    internal static CheckResult Pods(IReadOnlyList<PodState> pods)
    {
        var notReady = pods.Where(p => !p.Ready).ToList();
        if (notReady.Count == 0) return CheckResult.Ok(Area, "pods", $"{pods.Count}/{pods.Count} ready");
        var first = notReady[0];
        return CheckResult.Fail(Area, "pods", $"{pods.Count - notReady.Count}/{pods.Count} ready; not ready: " +
            string.Join(", ", notReady.Select(p => $"{p.Namespace}/{p.Name} ({p.Phase}{(p.Reason is null ? "" : ": " + p.Reason)})")),
            $"trellis logs {first.Name} -n {first.Namespace} (and -c istio-proxy for its sidecar)");
    }

    internal static IEnumerable<CheckResult> Proxies(IReadOnlyList<PodState> pods, IReadOnlyList<ProxyStatusDto> proxies)
    {
        var connected = proxies.Select(p => (p.Namespace, p.Pod)).ToHashSet();
        var missing = pods.Where(p => p.SidecarReady && !connected.Contains((p.Namespace, p.Name))).ToList();
        yield return missing.Count == 0
            ? CheckResult.Ok(Area, "proxies", $"{proxies.Count} connected to the control plane")
            : CheckResult.Fail(Area, "proxies", "not connected to the control plane: " + string.Join(", ", missing.Select(p => $"{p.Namespace}/{p.Name}")),
                $"trellis logs {missing[0].Name} -n {missing[0].Namespace} -c istio-proxy");
        var rejected = proxies.SelectMany(p => p.Types.Where(t => t.NackedVersion is not null).Select(t => (Proxy: p, Type: t))).ToList();
        yield return rejected.Count == 0
            ? CheckResult.Ok(Area, "config", "every proxy accepted its latest configuration")
            : CheckResult.Fail(Area, "config", string.Join("; ", rejected.Select(r =>
                    $"{r.Proxy.Namespace}/{r.Proxy.Pod} rejected {ShortType(r.Type.Type)} v{r.Type.NackedVersion}: {r.Type.NackError}")),
                "trellis proxy-status; correct or delete the resource the error names (`trellis analyze` finds most such mistakes before apply)");
        var warned = proxies.SelectMany(p => p.Warnings.Select(w => $"{p.Namespace}/{p.Pod}: {w}")).ToList();
        if (warned.Count > 0)
            yield return CheckResult.Warn(Area, "policies", string.Join("; ", warned),
                "correct the resource each warning names (a missing or invalid Secret, an unreachable JWKS, ...); `trellis proxy-status` lists them");
    }

    internal static CheckResult RootCertificate(MeshHome home, DateTimeOffset now)
    {
        var path = new[] { Path.Combine(home.CaCertsDirectory, "root-cert.pem"), Path.Combine(home.IdentityDirectory, "root-cert.pem") }
            .FirstOrDefault(File.Exists);
        if (path is null) return CheckResult.Ok(Area, "certificates", "the mesh runs without a CA (no root certificate in the mesh home)");
        X509Certificate2 root;
        try
        {
            root = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return CheckResult.Fail(Area, "certificates", $"{path} cannot be read as a PEM certificate ({e.Message})",
                "restore the file, or start the mesh again with a valid --cacerts folder");
        }
        using (root)
        {
            var notBefore = new DateTimeOffset(root.NotBefore.ToUniversalTime());
            var notAfter = new DateTimeOffset(root.NotAfter.ToUniversalTime());
            if (now < notBefore)
                return CheckResult.Fail(Area, "clock", $"this machine's clock ({now:u}) is before the mesh root's validity ({notBefore:u}): every handshake fails",
                    "set the clock right (timedatectl set-ntp true), then restart the mesh");
            if (now > notAfter)
                return CheckResult.Fail(Area, "certificates", $"the mesh root {path} expired on {notAfter:u}: workload certificates no longer verify",
                    "rotate the root: stop the mesh, replace the cacerts (or delete the identity folder for a self-signed one) and start it again");
            if (notAfter - now < ExpirySoon)
                return CheckResult.Warn(Area, "certificates", $"the mesh root {path} expires on {notAfter:u}, in {(notAfter - now).Days} days",
                    "plan a root rotation before then (new cacerts, then restart the mesh)");
            return CheckResult.Ok(Area, "certificates", $"the mesh root is valid until {notAfter:u}; this machine's clock is within its validity");
        }
    }

    private static string ShortType(string typeUrl) => typeUrl[(typeUrl.LastIndexOf('.') + 1)..];
}
