using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Trellis.Config;
using Trellis.ControlPlane.Api;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Tests.Api;

/// <summary>The REST API over real Kestrel, limits as the control plane sets them: every bad request is answered in JSON
/// with diagnostics (the fields of <c>analyze -o json</c>), never a bare 500, and changes nothing.</summary>
public sealed class ApplyEndpointTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _dir = Directory.CreateTempSubdirectory("trellis-api-").FullName;
    private ConfigStore _store = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _store = new ConfigStore(_dir);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = ConfigApi.MaxRequestBytes;
            k.Listen(IPAddress.Loopback, 0);
        });
        _app = builder.Build();
        ConfigApi.Map(_app, _store, () => new ControlPlaneStatusDto(_store.Version, _store.Objects.Count, 0, DateTimeOffset.UtcNow), () => [], () => "");
        await _app.StartAsync();
        var address = _app.Urls.First();
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static object Request(string content) => new { files = new[] { new { name = "x.yaml", content } } };

    private async Task<(HttpStatusCode Status, DiagnosticDto Error)> PostAsync(HttpContent body)
    {
        // As the CLI sends it: a body the server refuses by its length is then never sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/apply") { Content = body };
        request.Headers.ExpectContinue = true;
        using var response = await _http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadFromJsonAsync<ApplyResponse>(Json);
        Assert.False(answer!.Accepted);
        Assert.Empty(_store.Objects);
        return (response.StatusCode, Assert.Single(answer.Diagnostics));
    }

    [Theory]
    [InlineData("a: [b\n- c", "TRL0001", null)]
    [InlineData("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: [~]\n", "IST0106", "spec.hosts[0]")]
    [InlineData("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: [[x]]\n", "IST0106", "spec.hosts[0]")]
    public async Task Malformed_manifests_are_unprocessable_with_the_position(string content, string code, string? field)
    {
        var (status, error) = await PostAsync(JsonContent.Create(Request(content)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal((code, "x.yaml", field), (error.Code, error.File, error.Field));
        Assert.True(error.Line > 0 && error.Column > 0, error.Text);
    }

    [Fact]
    public async Task A_hundred_thousand_levels_of_nesting_are_refused_at_the_limit()
    {
        var (status, error) = await PostAsync(JsonContent.Create(Request("a: " + new string('[', 100_000))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "x.yaml", 1), (error.Code, error.File, error.Line));
    }

    [Fact]
    public async Task A_body_over_3_MiB_is_refused_by_its_length_before_it_is_read()
    {
        var (status, error) = await PostAsync(new ByteArrayContent(new byte[20 * 1024 * 1024]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal((DiagnosticCodes.InputLimitExceeded, "request body"), (error.Code, error.File));
        Assert.Equal("request body is 20 MiB, over the limit of 3 MiB per apply", error.Message);
    }

    [Fact]
    public async Task A_chunked_body_over_3_MiB_is_cut_off_at_the_limit()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Request("# " + new string('x', InputLimits.MaxBytes + 64 * 1024))))));
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentLength = null;

        var (status, error) = await PostAsync(content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request body is larger than 3 MiB, the limit per apply", error.Message);
    }

    [Theory]
    [InlineData("a: [b\n- c", "$")]
    [InlineData("{\"files\": [{\"name\": 1}]}", "$.files[0].name")]
    public async Task A_body_that_is_not_an_apply_request_is_a_bad_request_naming_where(string body, string? field)
    {
        var (status, error) = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal((DiagnosticCodes.YamlSyntaxError, "request body", field), (error.Code, error.File, error.Field));
        Assert.StartsWith("not an apply request: ", error.Message);
    }

    [Theory]
    [InlineData("{}", "files")]
    [InlineData("{\"files\": [null]}", "files[0]")]
    [InlineData("{\"files\": [{\"name\": \"x.yaml\"}]}", "files[0].content")]
    public async Task A_request_missing_a_field_is_a_bad_request_naming_it(string body, string field)
    {
        var (status, error) = await PostAsync(new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal((DiagnosticCodes.MissingRequiredField, field), (error.Code, error.Field));
    }

    [Fact]
    public async Task Status_lists_the_quarantined_files_with_their_reason()
    {
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"), "a: [b\n- c");
        _store.LoadPersisted();

        var status = await _http.GetFromJsonAsync<ControlPlaneStatusDto>("/api/v1/status", Json);

        var quarantined = Assert.Single(status!.Quarantined!);
        Assert.Equal(Path.Combine(_dir, "quarantine", "broken.yaml"), quarantined.File);
        Assert.Contains("malformed YAML", quarantined.Reason);
    }
}
