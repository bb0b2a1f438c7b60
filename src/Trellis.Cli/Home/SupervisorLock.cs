using System.Globalization;
using System.Runtime.InteropServices;

namespace Trellis.Cli.Home;

/// <summary>The running `trellis up` holds an exclusive flock on <c>{home}/supervisor.lock</c> for its whole life.
/// The kernel drops it the moment that process dies, however it dies, so "is a mesh live in this home" never
/// depends on a pid that may have been reused. The file names the holder's pid, for `trellis down`.</summary>
internal sealed class SupervisorLock : IDisposable
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly FileStream _file;

    private SupervisorLock(FileStream file) => _file = file;

    /// <summary>Takes the lock for this process, or returns null when a live supervisor holds it.</summary>
    public static SupervisorLock? TryAcquire(MeshHome home)
    {
        var file = new FileStream(home.SupervisorLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (!TryLock(file))
        {
            file.Dispose();
            return null;
        }
        file.SetLength(0);
        file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
        file.Flush();
        return new SupervisorLock(file);
    }

    /// <summary>The pid of the live supervisor of <paramref name="home"/>, or null when none holds the lock.</summary>
    public static int? LiveSupervisor(MeshHome home)
    {
        if (!File.Exists(home.SupervisorLockPath)) return null;
        using var file = new FileStream(home.SupervisorLockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (TryLock(file)) return null; // closing the file releases the probe's own lock
        using var reader = new StreamReader(file);
        return int.TryParse(reader.ReadToEnd().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
    }

    private static bool TryLock(FileStream file) =>
        OperatingSystem.IsWindows() || flock((int)file.SafeFileHandle.DangerousGetHandle(), LockExclusive | LockNonBlocking) == 0;

    public void Dispose() => _file.Dispose();

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks for no gain on this one call.
    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);
#pragma warning restore SYSLIB1054
}
