using Microsoft.AspNetCore.Http;
using Trellis.Proxy.Forwarding;

namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>Envoy's jwt_authn filter: finds tokens where the providers look for them, verifies them against the
/// first rule whose path matches, and either answers 401 (403 for a disallowed audience) with Envoy's body and
/// www-authenticate header, or passes the request on carrying what the verified tokens say.</summary>
internal sealed class JwtAuthnFilter(JwtAuthnPolicy policy) : IHttpFilter
{
    public Task InvokeAsync(RequestContext context, HttpFilterDelegate next)
    {
        var request = context.Http.Request;
        var requirement = RequirementFor(request.Path.Value ?? "/", out var matched);
        if (!matched) return next(context);
        // Headers this filter fills in must never come from the client, whatever the outcome.
        foreach (var header in policy.SanitizedHeaders) request.Headers.Remove(header);
        if (requirement is null || (policy.BypassCorsPreflight && IsCorsPreflight(request))) return next(context);
        return VerifyAsync(context, requirement, next);
    }

    private JwtRequirementModel? RequirementFor(string path, out bool matched)
    {
        foreach (var rule in policy.Rules)
        {
            if (!rule.Matches(path)) continue;
            matched = true;
            return rule.Requirement;
        }
        matched = false;
        return null;
    }

    private async Task VerifyAsync(RequestContext context, JwtRequirementModel requirement, HttpFilterDelegate next)
    {
        var tokens = JwtExtraction.Extract(context.Http.Request, policy.Locations);
        var verification = new JwtVerification(policy, tokens, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await verification.VerifySignaturesAsync();
        var status = verification.Evaluate(requirement);
        if (status != JwtStatus.Ok)
        {
            await RejectAsync(context, status);
            return;
        }
        JwtOutputs.Apply(context, policy, verification);
        await next(context);
    }

    private static Task RejectAsync(RequestContext context, JwtStatus status)
    {
        var request = context.Http.Request;
        var realm = $"Bearer realm=\"{request.Scheme}://{request.Host}{request.Path}\"";
        if (status != JwtStatus.JwtMissed) realm += ", error=\"invalid_token\"";
        var code = status == JwtStatus.JwtAudienceNotAllowed ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        var text = JwtStatusText.Of(status);
        return LocalReply.WriteAsync(context, code, ResponseFlags.None, text, $"{JwtAuthnPolicy.FilterName}: {text}", ("www-authenticate", LocalReply.Sanitize(realm)));
    }

    private static bool IsCorsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.Origin.Count > 0 && request.Headers.AccessControlRequestMethod.Count > 0;
}
