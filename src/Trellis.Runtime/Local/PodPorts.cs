namespace Trellis.Runtime;

/// <summary>The loopback ports one local pod owns: app ($PORT), sidecar inbound, outbound (HTTP proxy) and admin.</summary>
internal sealed record PodPorts(int App, int Inbound, int Outbound, int Admin)
{
    public static PodPorts Allocate(PortAllocator ports) => new(ports.Allocate(), ports.Allocate(), ports.Allocate(), ports.Allocate());
}
