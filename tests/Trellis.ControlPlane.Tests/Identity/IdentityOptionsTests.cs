using Trellis.ControlPlane.Identity;

namespace Trellis.ControlPlane.Tests.Identity;

public sealed class IdentityOptionsTests
{
    [Fact]
    public void A_bad_ttl_in_the_environment_is_an_error_naming_the_variable()
    {
        var e = Assert.Throws<IdentityConfigurationException>(() =>
            IdentityOptions.FromEnvironment("d", null, "k", name => name == "DEFAULT_WORKLOAD_CERT_TTL" ? "a day" : null));
        Assert.Contains("DEFAULT_WORKLOAD_CERT_TTL", e.Message);
    }
}
