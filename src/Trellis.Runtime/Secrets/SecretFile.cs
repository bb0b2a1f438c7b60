using System.Security.Cryptography;

namespace Trellis.Runtime;

/// <summary>A random bearer token kept in a file only its owner can read (0600), like a kubeconfig's token:
/// the secret travels between processes by path, never on a command line or in an environment.</summary>
public static class SecretFile
{
    /// <summary>Owner read and write, nothing for group or others.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const int TokenBytes = 32;

    /// <summary>Keeps the token at <paramref name="path"/> if the file is the owner's alone; otherwise (missing,
    /// unreadable, or readable by others, so possibly seen) writes a fresh one. Returns the token.</summary>
    public static string Ensure(string path)
    {
        if (File.Exists(path) && IsOwnerOnly(path) && TryRead(path) is { } kept) return kept;
        return Create(path);
    }

    /// <summary>Writes a fresh token, replacing any previous one; the file is 0600 from its first byte.</summary>
    public static string Create(string path)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(TokenBytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Write(path, token);
        return token;
    }

    /// <summary>Replaces the file with <paramref name="token"/> atomically (a reader sees the old or the new one, never
    /// half of one); the file is 0600 from its first byte.</summary>
    public static void Write(string path, string token)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        CreatePrivateDirectory(directory);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(token);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The token in <paramref name="path"/>; throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> with the reason when it cannot be used.</summary>
    public static string Read(string path)
    {
        var token = File.ReadAllText(path).Trim();
        if (token.Length == 0) throw new IOException($"{path} is empty");
        return token;
    }

    /// <summary>Creates <paramref name="directory"/> (and missing parents) and makes it 0700.</summary>
    public static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool IsOwnerOnly(string path) => OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == OwnerOnly;

    private static string? TryRead(string path)
    {
        try
        {
            return Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
