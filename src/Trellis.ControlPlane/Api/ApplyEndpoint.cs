using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trellis.Config;
using Trellis.Config.Model;
using Trellis.ControlPlane.Inputs;
using Trellis.ControlPlane.Store;

namespace Trellis.ControlPlane.Api;

/// <summary>Reads an apply or delete request itself rather than through model binding, so that every bad request —
/// too large, not JSON, missing fields — and any failure behind it is answered with diagnostics in JSON, the same
/// fields <c>trellis analyze -o json</c> prints, and changes nothing.</summary>
internal static class ApplyEndpoint
{
    private const string Body = "request body";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> HandleAsync(HttpRequest http, IConfigSource source, Func<ApplyRequest, ApplyResponse> action)
    {
        if (http.ContentLength > ConfigApi.MaxRequestBytes)
            return Refuse(source, StatusCodes.Status413PayloadTooLarge, TooLarge(http.ContentLength.Value));
        ApplyRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<ApplyRequest>(http.Body, Json, http.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Refuse(source, e.StatusCode, TooLarge(null));
        }
        catch (JsonException e)
        {
            var at = new SourceLocation(Body, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1);
            return Refuse(source, StatusCodes.Status400BadRequest,
                Diagnostic.Error(DiagnosticCodes.YamlSyntaxError, $"not an apply request: {FirstLine(e.Message)}", at, null, e.Path));
        }
        if (Malformed(request) is { } missing)
            return Refuse(source, StatusCodes.Status400BadRequest, missing);
        try
        {
            var response = action(request!);
            return response.Accepted ? Results.Ok(response) : Results.UnprocessableEntity(response);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Every known bad input is a diagnostic before this point; an unforeseen failure still refuses the
            // request in the same shape instead of answering 500 with nothing the CLI can show.
            return Refuse(source, StatusCodes.Status500InternalServerError,
                Diagnostic.Error(DiagnosticCodes.UnreadableInput, $"the control plane failed to process the request: {FirstLine(e.Message)}", null));
        }
    }

    private static Diagnostic? Malformed(ApplyRequest? request)
    {
        if (request?.Files is null) return Missing("files");
        for (var i = 0; i < request.Files.Count; i++)
        {
            var file = request.Files[i];
            if (file is null) return Missing($"files[{i}]");
            if (file.Name is null) return Missing($"files[{i}].name");
            if (file.Content is null) return Missing($"files[{i}].content");
        }
        return null;
    }

    private static Diagnostic Missing(string field) =>
        Diagnostic.Error(DiagnosticCodes.MissingRequiredField, $"missing required field \"{field}\"", new SourceLocation(Body, 0, 0), null, field);

    private static Diagnostic TooLarge(long? bytes) =>
        Diagnostic.Error(DiagnosticCodes.InputLimitExceeded,
            bytes is { } size
                ? $"{Body} is {InputLimits.Size(size)}, over the limit of {InputLimits.Size(ConfigApi.MaxRequestBytes)} per apply"
                : $"{Body} is larger than {InputLimits.Size(ConfigApi.MaxRequestBytes)}, the limit per apply",
            new SourceLocation(Body, 0, 0));

    private static IResult Refuse(IConfigSource source, int status, Diagnostic diagnostic) =>
        Results.Json(new ApplyResponse(false, source.Version, [], ConfigStore.ToDtos([diagnostic])), Json, statusCode: status);

    private static string FirstLine(string message) => message.ReplaceLineEndings(" ").TrimEnd('.');
}
