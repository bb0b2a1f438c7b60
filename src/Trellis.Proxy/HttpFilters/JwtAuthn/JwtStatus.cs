namespace Trellis.Proxy.HttpFilters.JwtAuthn;

/// <summary>The outcomes of verifying a token, as Envoy's jwt_verify_lib names them.</summary>
internal enum JwtStatus
{
    Ok,
    JwtMissed,
    JwtNotYetValid,
    JwtExpired,
    JwtBadFormat,
    JwtHeaderParseErrorBadBase64,
    JwtHeaderParseErrorBadJson,
    JwtHeaderBadAlg,
    JwtHeaderNotImplementedAlg,
    JwtPayloadParseErrorBadBase64,
    JwtPayloadParseErrorBadJson,
    JwtPayloadParseErrorIssNotString,
    JwtPayloadParseErrorAudNotString,
    JwtPayloadParseErrorExpNotInteger,
    JwtPayloadParseErrorNbfNotInteger,
    JwtUnknownIssuer,
    JwtAudienceNotAllowed,
    JwtVerificationFail,
    JwksKidAlgMismatch,
    JwtTooLarge,
}

internal static class JwtStatusText
{
    /// <summary>The reply body Envoy sends for a failure: jwt_verify_lib's status string.</summary>
    public static string Of(JwtStatus status) => status switch
    {
        JwtStatus.Ok => "OK",
        JwtStatus.JwtMissed => "Jwt is missing",
        JwtStatus.JwtNotYetValid => "Jwt not yet valid",
        JwtStatus.JwtExpired => "Jwt is expired",
        JwtStatus.JwtBadFormat => "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections",
        JwtStatus.JwtHeaderParseErrorBadBase64 => "Jwt header is an invalid Base64url encoded",
        JwtStatus.JwtHeaderParseErrorBadJson => "Jwt header is an invalid JSON",
        JwtStatus.JwtHeaderBadAlg => "Jwt header [alg] field is required and must be a string",
        JwtStatus.JwtHeaderNotImplementedAlg => "Jwt header [alg] is not supported",
        JwtStatus.JwtPayloadParseErrorBadBase64 => "Jwt payload is an invalid Base64url encoded",
        JwtStatus.JwtPayloadParseErrorBadJson => "Jwt payload is an invalid JSON",
        JwtStatus.JwtPayloadParseErrorIssNotString => "Jwt payload [iss] field is not a string",
        JwtStatus.JwtPayloadParseErrorAudNotString => "Jwt payload [aud] field is not a string or string list",
        JwtStatus.JwtPayloadParseErrorExpNotInteger => "Jwt payload [exp] field is not an integer",
        JwtStatus.JwtPayloadParseErrorNbfNotInteger => "Jwt payload [nbf] field is not an integer",
        JwtStatus.JwtUnknownIssuer => "Jwt issuer is not configured",
        JwtStatus.JwtAudienceNotAllowed => "Audiences in Jwt are not allowed",
        JwtStatus.JwtVerificationFail => "Jwt verification fails",
        JwtStatus.JwksKidAlgMismatch => "Jwks doesn't have key to match kid or alg from Jwt",
        JwtStatus.JwtTooLarge => "Jwt is too large",
        _ => "Jwt verification fails",
    };
}
