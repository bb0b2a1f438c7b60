using System.Runtime.InteropServices;

namespace Trellis.Runtime;

/// <summary>The running `trellis up` holds a write lock (POSIX record lock, fcntl) on <c>{home}/supervisor.lock</c>
/// for its whole life. The kernel drops it the moment that process dies, however it dies, and names the holder's
/// pid to whoever asks, so "is a mesh live in this home, and who runs it" never depends on a recorded pid that
/// may have been reused.</summary>
public sealed class SupervisorLock : IDisposable
{
    // Linux (x86-64 and arm64 alike): fcntl commands and lock types.
    private const int GetLock = 5;
    private const int SetLock = 6;
    private const short WriteLock = 1;
    private const short Unlocked = 2;

    private readonly FileStream _file;

    private SupervisorLock(FileStream file) => _file = file;

    /// <summary>Takes the lock for this process, or returns null when a live supervisor holds it.</summary>
    public static SupervisorLock? TryAcquire(MeshHome home)
    {
        var file = Open(home);
        var request = new FileLock { Type = WriteLock };
        if (!OperatingSystem.IsWindows() && fcntl(Descriptor(file), SetLock, ref request) != 0)
        {
            file.Dispose();
            return null;
        }
        return new SupervisorLock(file);
    }

    /// <summary>The pid of the live supervisor of <paramref name="home"/>, or null when none holds the lock.
    /// Not for the holder itself: closing the probe's descriptor would drop its own lock.</summary>
    public static int? LiveSupervisor(MeshHome home)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(home.SupervisorLockPath)) return null;
        using var file = Open(home);
        var probe = new FileLock { Type = WriteLock };
        if (fcntl(Descriptor(file), GetLock, ref probe) != 0 || probe.Type == Unlocked) return null;
        return probe.Pid;
    }

    private static FileStream Open(MeshHome home) =>
        new(home.SupervisorLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);

    private static int Descriptor(FileStream file) => (int)file.SafeFileHandle.DangerousGetHandle();

    public void Dispose() => _file.Dispose();

    /// <summary>struct flock; start 0 and length 0 cover the whole file.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FileLock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks for no gain on this one call.
    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, ref FileLock fileLock);
#pragma warning restore SYSLIB1054
}
