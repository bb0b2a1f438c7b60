namespace Trellis.Proxy.Configuration;

/// <summary>An xDS resource the proxy cannot run; its message becomes the NACK reason.</summary>
internal sealed class ConfigException(string message) : Exception(message);
