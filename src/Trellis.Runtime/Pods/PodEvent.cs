namespace Trellis.Runtime;

/// <summary>Something that happened to a local pod, worth telling the user.</summary>
public sealed record PodEvent(string Namespace, string Pod, string Message)
{
    /// <summary>"ns/pod: message".</summary>
    public override string ToString() => $"{Namespace}/{Pod}: {Message}";
}
