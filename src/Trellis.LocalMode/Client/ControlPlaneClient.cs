using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using Trellis.ControlPlane.Api;
using Trellis.Runtime;

namespace Trellis.LocalMode;

/// <summary>Talks to the running control plane's REST API on loopback, presenting the mesh's admin credential
/// (when this user can read it) as a bearer token.</summary>
public sealed class ControlPlaneClient : IDisposable
{
    // Relaxed escaping keeps a manifest's JSON close to its own size, under the API's limit on request bodies.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly HttpClient _http;
    private readonly string _credentialPath;
    private readonly string? _credentialError;

    public ControlPlaneClient(MeshHome home, MeshState state)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(state.ApiUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        _credentialPath = home.AdminCredentialPath;
        if (home.ReadAdminCredential(out _credentialError) is { } credential)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
    }

    public async Task<ApplyResponse> SendAsync(string verb, ApplyRequest request, CancellationToken ct)
    {
        // With Expect: 100-continue a body the server refuses by its length is answered before it is sent.
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/{verb}") { Content = JsonContent.Create(request, options: Json) };
        message.Headers.ExpectContinue = true;
        using var response = await _http.SendAsync(message, ct);
        EnsureAuthorized(response);
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
        using var response = await _http.GetAsync(url, ct);
        EnsureAuthorized(response);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<ResourceDto>>(Json, ct) ?? [];
    }

    /// <summary>A refused credential is the user's problem to fix, not a crash: one line saying why.</summary>
    private void EnsureAuthorized(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized) return;
        throw new ControlPlaneRefusedException(_credentialError is null
            ? $"the control plane refused the admin credential in {_credentialPath} (401): it is not the one the mesh started with; restart the mesh (`trellis down`, then `up`)"
            : $"the control plane refused the request (401): {_credentialError}");
    }

    public async Task<ControlPlaneStatusDto?> StatusAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<ControlPlaneStatusDto>("/api/v1/status", Json, ct);

    public async Task<IReadOnlyList<ProxyStatusDto>> ProxiesAsync(CancellationToken ct) =>
        await _http.GetFromJsonAsync<List<ProxyStatusDto>>("/api/v1/proxies", Json, ct) ?? [];

    /// <summary>Every service's and workload's RED figures over the last <paramref name="windowSeconds"/>.</summary>
    public async Task<Trellis.ControlPlane.Observability.Stats.MeshStatsDto?> StatsAsync(int windowSeconds, CancellationToken ct) =>
        await _http.GetFromJsonAsync<Trellis.ControlPlane.Observability.Stats.MeshStatsDto>($"/api/v1/stats?window={windowSeconds}", Json, ct);

    /// <summary>The most recent traces, newest first, optionally only those through <paramref name="service"/>.</summary>
    public async Task<IReadOnlyList<Trellis.ControlPlane.Tracing.TraceSummary>> TracesAsync(string? service, int limit, CancellationToken ct) =>
        await _http.GetFromJsonAsync<List<Trellis.ControlPlane.Tracing.TraceSummary>>(
            $"/api/v1/traces?limit={limit}" + (service is null ? "" : "&service=" + Uri.EscapeDataString(service)), Json, ct) ?? [];

    /// <summary>One trace's spans; null when the control plane does not keep it.</summary>
    public async Task<IReadOnlyList<Trellis.ControlPlane.Tracing.SpanRecord>?> TraceAsync(string traceId, CancellationToken ct)
    {
        using var response = await _http.GetAsync("/api/v1/traces/" + Uri.EscapeDataString(traceId), ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<Trellis.ControlPlane.Tracing.SpanRecord>>(Json, ct);
    }

    /// <summary>Where the control plane serves its dashboard.</summary>
    public static string DashboardUrl(MeshState state) => $"{state.ApiUrl}/dashboard/";

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
