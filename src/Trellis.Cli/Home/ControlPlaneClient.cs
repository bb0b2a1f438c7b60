using System.Net.Http.Json;
using System.Text.Json;
using Trellis.ControlPlane.Api;

namespace Trellis.Cli.Home;

/// <summary>Talks to the running control plane's REST API on loopback.</summary>
internal sealed class ControlPlaneClient(MeshState state) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri(state.ApiUrl),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<ApplyResponse> SendAsync(string verb, ApplyRequest request, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync($"/api/v1/{verb}", request, Json, ct);
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
