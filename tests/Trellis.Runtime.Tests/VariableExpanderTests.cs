namespace Trellis.Runtime.Tests;

public sealed class VariableExpanderTests
{
    private static readonly Dictionary<string, string> Known = new() { ["A"] = "alpha", ["PORT"] = "1234" };

    [Theory]
    [InlineData("$(A)", "alpha")]
    [InlineData("x-$(A)-$(PORT)", "x-alpha-1234")]
    [InlineData("$(MISSING)", "$(MISSING)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("cost: $5", "cost: $5")]
    [InlineData("$(A", "$(A")]
    [InlineData("plain", "plain")]
    public void Expands_like_the_kubelet(string input, string expected) =>
        Assert.Equal(expected, VariableExpander.Expand(input, Known));

    [Fact]
    public void Env_values_see_only_the_variables_defined_before_them()
    {
        var env = VariableExpander.ExpandEnvironment(
            [new("B", "$(A)-b"), new("C", "$(B)-c"), new("D", "$(E)"), new("E", "e")], Known);

        Assert.Equal("alpha-b", env["B"]);
        Assert.Equal("alpha-b-c", env["C"]);
        Assert.Equal("$(E)", env["D"]);
    }
}
