namespace Trellis.Xds.Tests;

/// <summary>Reserved ports travel as ranges; what is written reads back as the same set, and anything else is refused.</summary>
public sealed class PortRangesTests
{
    [Fact]
    public void Runs_of_ports_are_written_as_ascending_ranges_without_repeats()
    {
        Assert.Equal("80,15000-15002,15010", PortRanges.Format([15010, 15001, 80, 15000, 15002, 15001]));
        Assert.Equal("", PortRanges.Format([]));
    }

    [Fact]
    public void What_is_written_reads_back_as_the_same_ports()
    {
        int[] ports = [1, 2, 3, 9080, 15000, 15001, 65535];

        Assert.Equal(ports, PortRanges.Parse(PortRanges.Format(ports), out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("15003-15000")]
    [InlineData("15000-")]
    [InlineData("1,,2")]
    [InlineData(" 80")]
    [InlineData("-80")]
    [InlineData("http")]
    public void Anything_but_ports_and_ascending_ranges_is_refused_with_the_part_that_is_wrong(string text)
    {
        Assert.Null(PortRanges.Parse(text, out var error));
        Assert.Contains("is not a port (1-65535) or an ascending range", error);
    }
}
