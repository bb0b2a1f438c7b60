using System.Net;
using System.Net.Sockets;

namespace Trellis.Runtime.Tests;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Allocated_ports_are_free_and_never_handed_out_twice()
    {
        var ports = new PortAllocator();
        var handedOut = Enumerable.Range(0, 50).Select(_ => ports.Allocate()).ToList();

        Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
        Assert.All(handedOut.Take(5), p => Assert.True(Processes.CanBind(p)));
    }

    [Fact]
    public void A_requested_port_in_use_is_refused_with_a_clear_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var taken = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = Assert.Throws<InvalidOperationException>(() => new PortAllocator().Reserve(taken));
        Assert.Equal($"port {taken} is already in use", error.Message);
    }

    [Fact]
    public void A_reserved_port_is_not_reserved_again_nor_allocated()
    {
        var ports = new PortAllocator();
        var free = new PortAllocator().Allocate();

        Assert.Equal(free, ports.Reserve(free));
        Assert.Throws<InvalidOperationException>(() => ports.Reserve(free));
    }
}
