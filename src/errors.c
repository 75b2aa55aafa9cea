/*
 * The CAMARA error table.  Every code and message here is copied from
 * ../shared/spec: the Number Verification YAML of the version where it
 * has the error, otherwise the Commonalities YAML of that period.
 * Version 2.1.0 dropped INVALID_TOKEN_CONTEXT: a token without a usable
 * number is a plain PERMISSION_DENIED there.
 */
#include "errors.h"

static const struct error_info error_table[API__MAX][NVE__MAX] = {
	[API_V0] = {
	[NVE_INVALID_ARGUMENT] = { 400, "INVALID_ARGUMENT",
	    "Client specified an invalid argument, request body or query param" },
	[NVE_UNAUTHENTICATED] = { 401, "UNAUTHENTICATED",
	    "Request not authenticated due to missing, invalid, or expired credentials" },
	[NVE_PERMISSION_DENIED] = { 403, "PERMISSION_DENIED",
	    "Client does not have sufficient permissions to perform this action" },
	[NVE_NOT_MOBILE_NETWORK] = { 403,
	    "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
	    "Client must authenticate via the mobile network to use this service" },
	[NVE_INVALID_TOKEN_CONTEXT] = { 403,
	    "NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT",
	    "Phone number cannot be deducted from access token context" },
	[NVE_NOT_FOUND] = { 404, "NOT_FOUND",
	    "The specified resource is not found." },
	[NVE_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED",
	    "The requested method is not allowed/supported on the target" },
	[NVE_NOT_ACCEPTABLE] = { 406, "NOT_ACCEPTABLE",
	    "The server can't produce a response matching the content requested by the client through Accept-* headers" },
	[NVE_UNSUPPORTED_MEDIA_TYPE] = { 415, "UNSUPPORTED_MEDIA_TYPE",
	    "The server refuses to accept the request because the payload format is in an unsupported format." },
	[NVE_INTERNAL] = { 500, "INTERNAL", "Server error" },
	[NVE_UNAVAILABLE] = { 503, "UNAVAILABLE", "Service unavailable" },
	},
	[API_V1] = {
	[NVE_INVALID_ARGUMENT] = { 400, "INVALID_ARGUMENT",
	    "Client specified an invalid argument, request body or query param" },
	[NVE_UNAUTHENTICATED] = { 401, "UNAUTHENTICATED",
	    "Request not authenticated due to missing, invalid, or expired credentials." },
	[NVE_PERMISSION_DENIED] = { 403, "PERMISSION_DENIED",
	    "Client does not have sufficient permissions to perform this action." },
	[NVE_NOT_MOBILE_NETWORK] = { 403,
	    "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
	    "Client must authenticate via the mobile network to use this service" },
	[NVE_INVALID_TOKEN_CONTEXT] = { 403, "INVALID_TOKEN_CONTEXT",
	    "Phone number cannot be deducted from access token context" },
	[NVE_NOT_FOUND] = { 404, "NOT_FOUND",
	    "The specified resource is not found." },
	[NVE_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED",
	    "The requested method is not allowed/supported on the target resource." },
	[NVE_NOT_ACCEPTABLE] = { 406, "NOT_ACCEPTABLE",
	    "The server cannot produce a response matching the content requested by the client through `Accept-*` headers." },
	[NVE_UNSUPPORTED_MEDIA_TYPE] = { 415, "UNSUPPORTED_MEDIA_TYPE",
	    "The server refuses to accept the request because the payload format is in an unsupported format." },
	[NVE_INTERNAL] = { 500, "INTERNAL", "Server error" },
	/* 1.0.0's own Generic503, without Commonalities 0.6's period. */
	[NVE_UNAVAILABLE] = { 503, "UNAVAILABLE", "Service unavailable" },
	},
	[API_V2] = {
	[NVE_INVALID_ARGUMENT] = { 400, "INVALID_ARGUMENT",
	    "Client specified an invalid argument, request body or query param" },
	[NVE_UNAUTHENTICATED] = { 401, "UNAUTHENTICATED",
	    "Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required." },
	[NVE_PERMISSION_DENIED] = { 403, "PERMISSION_DENIED",
	    "Client does not have sufficient permissions to perform this action." },
	[NVE_NOT_MOBILE_NETWORK] = { 403,
	    "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK",
	    "Client must authenticate via the mobile network to use this service" },
	/* 2.1.0 has no INVALID_TOKEN_CONTEXT: answer its PERMISSION_DENIED. */
	[NVE_INVALID_TOKEN_CONTEXT] = { 403, "PERMISSION_DENIED",
	    "Client does not have sufficient permissions to perform this action." },
	[NVE_NOT_FOUND] = { 404, "NOT_FOUND",
	    "The specified resource is not found." },
	[NVE_METHOD_NOT_ALLOWED] = { 405, "METHOD_NOT_ALLOWED",
	    "The requested method is not allowed/supported on the target resource." },
	[NVE_NOT_ACCEPTABLE] = { 406, "NOT_ACCEPTABLE",
	    "The server cannot produce a response matching the content requested by the client through `Accept-*` headers." },
	[NVE_UNSUPPORTED_MEDIA_TYPE] = { 415, "UNSUPPORTED_MEDIA_TYPE",
	    "The server refuses to accept the request because the payload format is in an unsupported format." },
	[NVE_INTERNAL] = { 500, "INTERNAL",
	    "Unknown server error. Typically a server bug." },
	[NVE_UNAVAILABLE] = { 503, "UNAVAILABLE", "Service Unavailable." },
	},
};

static const char *const version_names[API__MAX] = {
	[API_V0] = "v0", [API_V1] = "v1", [API_V2] = "v2",
};

const struct error_info *
errors_get(enum api_version v, enum nv_error e)
{
	if ((unsigned)v >= API__MAX || (unsigned)e >= NVE__MAX)
		return &error_table[API_V0][NVE_INTERNAL];
	return &error_table[v][e];
}

const char *
errors_version_name(enum api_version v)
{
	return (unsigned)v < API__MAX ? version_names[v] : "?";
}

/* Reason phrases for the CGI Status line (RFC 9110). */
const char *
errors_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}
