using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trellis.ControlPlane.Api;

namespace Trellis.Cli.Home;

/// <summary>Talks to the running control plane's REST API on loopback.</summary>
internal sealed class ControlPlaneClient(MeshState state) : IDisposable
{
    // Relaxed escaping keeps a manifest's JSON close to its own size, under the API's limit on request bodies.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri(state.ApiUrl),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<ApplyResponse> SendAsync(string verb, ApplyRequest request, CancellationToken ct)
    {
        // With Expect: 100-continue a body the server refuses by its length is answered before it is sent.
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{verb}") { Content = JsonContent.Create(request, options: Json) };
        message.Headers.ExpectContinue = true;
        using var response = await _http.SendAsync(message, ct);
        // Every answer to a request it could read is an ApplyResponse; anything else names the status.
        if (response.Content.Headers.ContentType?.MediaType != "application/json")
            throw new InvalidOperationException($"the control plane answered {(int)response.StatusCode} {response.ReasonPhrase}");
        return await response.Content.ReadFromJsonAsync<ApplyResponse>(Json, ct)
               ?? throw new InvalidOperationException($"the control plane sent an empty answer ({(int)response.StatusCode})");
    }

    public async Task<IReadOnlyList<ResourceDto>> ResourcesAsync(string? kind, string? ns, CancellationToken ct)
    {
        var query = new List<string>();
        if (kind is not null) query.Add("kind=" + Uri.EscapeDataString(kind));
        if (ns is not null) query.Add("namespace=" + Uri.EscapeDataString(ns));
        var url = "/api/v1/resources" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return await _http.GetFromJsonAsync<List<ResourceDto>>(url, Json, ct) ?? [];
    }

    public async Task<ControlPlaneStatusDto?> StatusAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<ControlPlaneStatusDto>("/api/v1/status", Json, ct);

    public async Task<IReadOnlyList<ProxyStatusDto>> ProxiesAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<List<ProxyStatusDto>>("/api/v1/proxies", Json, ct) ?? [];

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync("/healthz", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}
