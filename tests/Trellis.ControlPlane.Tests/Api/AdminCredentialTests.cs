using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Tests.Inputs;

namespace Trellis.ControlPlane.Tests.Api;

/// <summary>The hostile-user finding: anyone on the machine could POST /api/v1/apply, and a Deployment's command
/// runs as the mesh's user. Every call that changes or reveals stored configuration now needs the credential.</summary>
public sealed class AdminCredentialTests : IAsyncLifetime
{
    private const string Credential = "s3cr3t-credential-for-tests";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ApplyRequest CreateNamespace = new([new ManifestFile("evil.yaml", """
        apiVersion: v1
        kind: Namespace
        metadata: {name: evil}
        """)]);

    private readonly string _home = Directory.CreateTempSubdirectory("trellis-cp-auth-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private Task _controlPlane = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var apiPort = Ports.Free();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{apiPort}");
        _controlPlane = ControlPlaneHost.RunAsync(new ControlPlaneOptions(Path.Combine(_home, "store"), new FakeWorkloads(), Ports.Free(), apiPort, Credential), _stop.Token);
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await _http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("the control plane did not answer /healthz");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _controlPlane;
        }
        catch (OperationCanceledException)
        {
        }
        _http.Dispose();
        Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [InlineData("apply", null)]
    [InlineData("apply", "Bearer wrong")]
    [InlineData("apply", "Bearer s3cr3t-credential-for-test")]
    [InlineData("apply", "Basic czNjcjN0LWNyZWRlbnRpYWwtZm9yLXRlc3Rz")]
    [InlineData("delete", null)]
    [InlineData("delete", "Bearer wrong")]
    public async Task A_change_without_the_credential_is_refused_with_401_and_changes_nothing(string verb, string? authorization)
    {
        Assert.Equal(HttpStatusCode.OK, (await Send("apply", Credential)).StatusCode);
        var before = await Status();
        var stored = StoredFiles();

        using var response = await Send(verb, authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("admin credential", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var after = await Status();
        Assert.Equal(before.ConfigVersion, after.ConfigVersion);
        Assert.Equal(before.Objects, after.Objects);
        Assert.Equal(stored, StoredFiles());
    }

    [Fact]
    public async Task With_the_credential_apply_and_delete_work()
    {
        using var applied = await Send("apply", Credential);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(1, (await Status()).Objects);

        using var deleted = await Send("delete", Credential);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(0, (await Status()).Objects);
    }

    [Fact]
    public async Task Stored_objects_are_only_listed_with_the_credential_while_status_stays_open()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send("apply", Credential)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetAsync("/api/v1/resources")).StatusCode);
        using var listed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/resources");
        listed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Credential);
        using var answer = await _http.SendAsync(listed);
        Assert.Contains("evil", await answer.Content.ReadAsStringAsync());
        foreach (var open in new[] { "/api/v1/status", "/api/v1/proxies", "/healthz", "/metrics" })
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(open)).StatusCode);
    }

    [Fact]
    public async Task A_request_without_the_credential_is_refused_before_its_body_is_read()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/apply") { Content = new StringContent("{ not json", null, "application/json") };
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpResponseMessage> Send(string verb, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{verb}") { Content = JsonContent.Create(CreateNamespace, options: Json) };
        if (authorization == Credential) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Credential);
        else if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await _http.SendAsync(request);
    }

    private async Task<ControlPlaneStatusDto> Status() => (await _http.GetFromJsonAsync<ControlPlaneStatusDto>("/api/v1/status", Json))!;

    private string[] StoredFiles() =>
        Directory.GetFiles(Path.Combine(_home, "store")).Select(f => f + ":" + File.ReadAllText(f)).Order(StringComparer.Ordinal).ToArray();
}
