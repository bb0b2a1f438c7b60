namespace Trellis.Runtime.Tests;

public sealed class CommandResolverTests
{
    [Fact]
    public void Relative_paths_resolve_against_the_working_directory()
    {
        using var home = new TestHome();
        var script = home.Script("bin/app", "exit 0");

        Assert.Equal(script, CommandResolver.Resolve("bin/app", home.Root));
        Assert.Equal(script, CommandResolver.Resolve("./bin/../bin/app", home.Root));
    }

    [Fact]
    public void Bare_names_are_looked_up_on_PATH() =>
        Assert.Equal("sh", Path.GetFileName(CommandResolver.Resolve("sh", "/")));

    [Fact]
    public void Missing_and_non_executable_files_are_explained()
    {
        using var home = new TestHome();
        File.WriteAllText(home.File("data.txt"), "not a program");

        Assert.Equal((null, $"command not found: {home.File("bin/missing")}"), CommandResolver.Lookup("bin/missing", home.Root));
        Assert.StartsWith("command is not executable: ", CommandResolver.Lookup("./data.txt", home.Root).Error);
        Assert.Equal("command not found: no-such-program-xyz (searched PATH)", CommandResolver.Lookup("no-such-program-xyz", home.Root).Error);
    }
}
