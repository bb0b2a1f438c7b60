using System.Diagnostics;
using System.Globalization;
using Trellis.ControlPlane.Inputs;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>The command lines `trellis up` uses to start sidecars and the ingress gateway.</summary>
internal static class ProxyLaunch
{
    /// <summary>The gateway's place among the pods: its token lives where a pod's would.</summary>
    public const string GatewayNamespace = MeshHome.SystemNamespace;
    public const string GatewayName = "istio-ingressgateway";
    public const string GatewayServiceAccount = "istio-ingressgateway-service-account";

    /// <summary>A pod's sidecar; its <c>proxy.istio.io/config</c> annotation wins over the mesh config's <paramref name="defaults"/>.</summary>
    public static ProcessStartInfo Sidecar(MeshHome home, MeshState mesh, PodState pod, SidecarDefaults? defaults = null)
    {
        var args = new List<string>
        {
            "--type", "sidecar", "--pod", pod.Name, "--namespace", pod.Namespace,
            "--workload", pod.Deployment, "--service-account", pod.ServiceAccount,
            "--xds", mesh.XdsUrl, "--admin-port", pod.AdminPort.ToString(),
            "--meta", $"{NodeMetadataKeys.AdminPort}={pod.AdminPort}",
            "--meta", $"{NodeMetadataKeys.InboundPort}={pod.InboundPort}",
            "--meta", $"{NodeMetadataKeys.OutboundPort}={pod.OutboundPort}",
            "--meta", $"{NodeMetadataKeys.AppPort}={pod.AppPort}",
            "--admin-token-file", home.PodAdminTokenPath(pod.Namespace, pod.Name),
            "--token-file", home.PodTokenPath(pod.Namespace, pod.Name),
        };
        if (pod.ContainerPort is { } containerPort) args.AddRange(["--meta", $"{NodeMetadataKeys.ContainerPort}={containerPort}"]);
        foreach (var (k, v) in pod.Labels) args.AddRange(["--label", $"{k}={v}"]);
        if (AppMetrics(pod) is { } app) args.AddRange(["--app-metrics", app.ToString()]);
        if ((Concurrency(pod) ?? defaults?.Concurrency) is { } threads) args.AddRange(["--concurrency", threads.ToString(CultureInfo.InvariantCulture)]);
        return Proxy(args);
    }

    /// <summary>The native proxy where this build carries one (Trellis.Cli publishes it to native/trellis-proxy beside
    /// trellis.dll) and TRELLIS_NATIVE_PROXY is not 0; else `trellis proxy`, the same command run by this build.</summary>
    private static ProcessStartInfo Proxy(IEnumerable<string> args)
    {
        var native = Path.Combine(AppContext.BaseDirectory, "native", "trellis-proxy");
        if (Environment.GetEnvironmentVariable("TRELLIS_NATIVE_PROXY") == "0" || !IsExecutable(native)) return SelfLauncher.Create(["proxy", .. args]);
        var start = new ProcessStartInfo(native) { UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        return start;
    }

    /// <summary>A NuGet package does not keep file modes, so the installed tool's native proxy arrives without its
    /// execute bit: the owner may give it back, anyone else runs `trellis proxy`.</summary>
    private static bool IsExecutable(string path)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return false;
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.UserExecute) != 0) return true;
        try
        {
            File.SetUnixFileMode(path, mode | execute);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A bad annotation costs the merge, not the pod, as a bad one costs Istio's agent only its app scrape.</summary>
    private static Uri? AppMetrics(PodState pod)
    {
        try
        {
            return PrometheusAnnotations.AppTarget(pod);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"warning: {e.Message}; the app's metrics are not merged into the sidecar's");
            return null;
        }
    }

    /// <summary>A bad annotation costs the setting: the sidecar runs with the default, and says why.</summary>
    private static int? Concurrency(PodState pod)
    {
        try
        {
            return ProxyConfigAnnotation.Concurrency(pod);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"warning: {e.Message}; the sidecar runs with the default concurrency");
            return null;
        }
    }

    public static ProcessStartInfo Gateway(MeshHome home, MeshState mesh, int httpPort, int adminPort, string httpAddress) => Proxy(
        [.. GatewayArguments(home, mesh, httpPort, adminPort, httpAddress), .. mesh.IngressHttpsPort > 0 ? ["--meta", $"{NodeMetadataKeys.HttpsPort}={mesh.IngressHttpsPort}"] : Array.Empty<string>()]);

    private static string[] GatewayArguments(MeshHome home, MeshState mesh, int httpPort, int adminPort, string httpAddress) =>
    [
        "--type", "router", "--pod", GatewayName, "--namespace", GatewayNamespace,
        "--workload", GatewayName, "--service-account", GatewayServiceAccount,
        "--admin-token-file", home.PodAdminTokenPath(GatewayNamespace, GatewayName),
        "--token-file", home.PodTokenPath(GatewayNamespace, GatewayName),
        "--label", "istio=ingressgateway", "--label", "app=istio-ingressgateway",
        "--xds", mesh.XdsUrl, "--admin-port", adminPort.ToString(),
        "--meta", $"{NodeMetadataKeys.AdminPort}={adminPort}",
        "--meta", $"{NodeMetadataKeys.HttpPort}={httpPort}",
        "--meta", $"{NodeMetadataKeys.HttpAddress}={httpAddress}",
    ];
}
