using System.Security.Cryptography;

namespace Trellis.Runtime;

/// <summary>Pod names as a ReplicaSet makes them: <c>&lt;deployment&gt;-&lt;template hash&gt;-&lt;5 random&gt;</c>.</summary>
internal static class PodNames
{
    // Kubernetes' alphabet for generated names: no vowels (no words) and no look-alikes (0/o, 1/l).
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Create(string deployment, string templateHash, ISet<string> taken)
    {
        while (true)
        {
            var suffix = new string(RandomNumberGenerator.GetItems<char>(Alphabet, 5));
            var name = $"{deployment}-{templateHash}-{suffix}";
            if (!taken.Contains(name)) return name;
        }
    }
}
