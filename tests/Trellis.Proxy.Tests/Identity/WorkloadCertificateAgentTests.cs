using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Trellis.Proxy.Admin;
using Trellis.Proxy.Configuration;
using Trellis.Proxy.Identity;
using Trellis.Proxy.Secrets;

namespace Trellis.Proxy.Tests.Identity;

public sealed class WorkloadCertificateAgentTests : IAsyncLifetime
{
    private readonly FakeCa _ca = new();
    private readonly SecretStore _secrets = new();

    public Task InitializeAsync() => _ca.StartAsync();

    public async Task DisposeAsync() => await _ca.DisposeAsync();

    [Fact]
    public async Task The_agent_publishes_its_certificate_and_the_root_and_renews_before_expiry()
    {
        await using var agent = Agent(FakeCa.Token);
        agent.Start();

        var first = await Eventually(() => _secrets.TryGetCertificate("default", out var s) ? s : null);
        // The key made for the CSR still signs after the agent let go of it: the TLS handshakes use it.
        using (var key = first.Leaf.GetECDsaPrivateKey()!)
            Assert.NotEmpty(key.SignData([1, 2, 3], System.Security.Cryptography.HashAlgorithmName.SHA256));
        Assert.True(_secrets.TryGetValidation("ROOTCA", out var roots));
        Assert.Equal(_ca.Root.Thumbprint, roots.TrustedCas[0].Thumbprint);
        Assert.Equal("spiffe://cluster.local/ns/bookinfo/sa/reviews", agent.Status.SpiffeId);
        Assert.True(agent.HasCertificate);

        var renewed = await Eventually(() => _secrets.TryGetCertificate("default", out var s) && s.Leaf.Thumbprint != first.Leaf.Thumbprint ? s : null);
        // Renewed at about half its life: the first certificate was still valid when it was replaced.
        Assert.True(renewed.Leaf.NotBefore.ToUniversalTime() < first.Leaf.NotAfter.ToUniversalTime());
    }

    [Fact]
    public async Task When_the_ca_fails_the_current_certificate_keeps_serving_and_the_failure_is_visible()
    {
        _ca.Lifetime = TimeSpan.FromSeconds(30);
        await using var agent = Agent(FakeCa.Token);
        agent.Start();
        var first = await Eventually(() => _secrets.TryGetCertificate("default", out var s) ? s : null);
        _ca.Failing = true;

        // Renewal is due after ~15 s; until the certificate expires it stays published and the agent says why it could not renew.
        await Eventually(() => agent.Status.LastError, TimeSpan.FromSeconds(30));

        Assert.Contains("CA down", agent.Status.LastError);
        Assert.True(_secrets.TryGetCertificate("default", out var still));
        Assert.Equal(first.Leaf.Thumbprint, still.Leaf.Thumbprint);
        Assert.True(agent.HasCertificate);
    }

    [Fact]
    public async Task Without_a_valid_token_no_certificate_is_published_and_the_reason_is_kept()
    {
        await using var agent = Agent("someone-elses-token");
        agent.Start();

        var error = await Eventually(() => agent.Status.LastError);

        Assert.Contains("Unauthenticated", error);
        Assert.False(_secrets.TryGetCertificate("default", out _));
        Assert.False(agent.HasCertificate);
    }

    [Fact]
    public async Task The_config_dump_lists_the_secrets_with_the_private_key_redacted()
    {
        await using var agent = Agent(FakeCa.Token);
        agent.Start();
        await Eventually(() => _secrets.TryGetValidation("ROOTCA", out var s) ? s : null);

        using var dump = JsonDocument.Parse(ConfigDump.Render(new SnapshotHolder().Current.Resources, _secrets));

        var section = dump.RootElement.GetProperty("configs").EnumerateArray()
            .Single(c => c.GetProperty("@type").GetString() == "type.googleapis.com/envoy.admin.v3.SecretsConfigDump");
        var secrets = section.GetProperty("dynamic_active_secrets").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        var tls = secrets["default"].GetProperty("secret").GetProperty("tls_certificate");
        Assert.Equal("[redacted]", System.Text.Encoding.UTF8.GetString(tls.GetProperty("private_key").GetProperty("inline_bytes").GetBytesFromBase64()));
        Assert.Contains("BEGIN CERTIFICATE", System.Text.Encoding.UTF8.GetString(tls.GetProperty("certificate_chain").GetProperty("inline_bytes").GetBytesFromBase64()));
        Assert.DoesNotContain("PRIVATE KEY", dump.RootElement.GetRawText());
        Assert.True(secrets["ROOTCA"].GetProperty("secret").GetProperty("validation_context").TryGetProperty("trusted_ca", out _));
    }

    [Fact]
    public void Rotation_is_due_at_about_half_the_remaining_life()
    {
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 100; i++)
            Assert.InRange(WorkloadCertificateAgent.RotationDelay(now, now.AddHours(24)).TotalHours, 10.8, 13.2);
        Assert.Equal(TimeSpan.Zero, WorkloadCertificateAgent.RotationDelay(now, now.AddSeconds(-1)));
    }

    private WorkloadCertificateAgent Agent(string token) =>
        new(_ca.Address, () => token, _secrets, TimeSpan.FromMinutes(5), NullLogger.Instance);

    private static async Task<T> Eventually<T>(Func<T?> probe, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException("the condition did not hold in time");
    }
}
