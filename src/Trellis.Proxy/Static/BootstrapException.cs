namespace Trellis.Proxy.Static;

/// <summary>A bootstrap the proxy refuses to start with; the message is the one line the user sees.</summary>
internal sealed class BootstrapException(string message) : Exception(message);
