namespace Trellis.Runtime;

/// <summary>Where a pod's secrets live: <c>{home}/secrets/{ns}/{pod}/</c>, a 0700 folder per pod, so the
/// secrets of one pod never show up in another's environment or command line.</summary>
public static class PodSecrets
{
    /// <summary>The token that lets its holder call the mutating admin endpoints of the pod's proxy.</summary>
    public static string AdminTokenPath(string home, string ns, string pod) =>
        Path.Combine(Path.GetFullPath(home), "secrets", ns, pod, "admin-token");

    /// <summary>Writes a fresh admin token for the pod (a new pod never inherits an old one's).</summary>
    public static void CreateAdminToken(string home, string ns, string pod)
    {
        SecretFile.CreatePrivateDirectory(Path.Combine(Path.GetFullPath(home), "secrets"));
        SecretFile.Create(AdminTokenPath(home, ns, pod));
    }

    /// <summary>Removes the pod's secrets once it is gone.</summary>
    public static void Remove(string home, string ns, string pod)
    {
        var folder = Path.GetDirectoryName(AdminTokenPath(home, ns, pod))!;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Removes every pod's secrets (a new mesh starts without a previous run's).</summary>
    public static void RemoveAll(string home)
    {
        var folder = Path.Combine(Path.GetFullPath(home), "secrets");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}
