namespace Trellis.Runtime;

/// <summary>A supervised process ended (or could not start) and will be started again after <see cref="RestartIn"/>.</summary>
/// <param name="Name">The supervised process's name.</param>
/// <param name="ExitCode">The exit code; null when the process could not be started.</param>
/// <param name="Error">Why the process could not be started; null when it ran.</param>
/// <param name="Ran">How long it ran.</param>
/// <param name="RestartIn">The back-off before the next start.</param>
public sealed record ProcessExit(string Name, int? ExitCode, string? Error, TimeSpan Ran, TimeSpan RestartIn)
{
    /// <summary>"exited with code 3" or "could not start: ...".</summary>
    public string Describe() => Error is null ? $"exited with code {ExitCode}" : $"could not start: {Error}";
}
