namespace Trellis.Runtime;

/// <summary>A pod's secrets live in a 0700 folder of its own (<see cref="MeshHome.PodSecretsDirectory"/>), so the
/// secrets of one pod never show up in another's environment or command line.</summary>
public static class PodSecrets
{
    /// <summary>Writes a fresh admin token for the pod (a new pod never inherits an old one's).</summary>
    public static void CreateAdminToken(MeshHome home, string ns, string pod)
    {
        SecretFile.CreatePrivateDirectory(home.SecretsDirectory);
        SecretFile.Create(home.PodAdminTokenPath(ns, pod));
    }

    /// <summary>Removes the pod's secrets once it is gone.</summary>
    public static void Remove(MeshHome home, string ns, string pod)
    {
        var folder = home.PodSecretsDirectory(ns, pod);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Removes every pod's secrets (a new mesh starts without a previous run's).</summary>
    public static void RemoveAll(MeshHome home)
    {
        if (Directory.Exists(home.SecretsDirectory)) Directory.Delete(home.SecretsDirectory, recursive: true);
    }
}
