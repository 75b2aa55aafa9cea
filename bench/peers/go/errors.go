// The CAMARA ErrorInfo table, per API version, as src/errors.c has it
// (copied from the Number Verification and Commonalities YAMLs).
package main

type errKind int

const (
	errInvalidArgument errKind = iota
	errUnauthenticated
	errPermissionDenied
	errNotMobileNetwork
	errInvalidTokenContext
	errNotFound
	errMethodNotAllowed
	errNotAcceptable
	errUnsupportedMediaType
	errInternal
)

type errorInfo struct {
	status  int
	code    string
	message string
}

var errorTable = [3]map[errKind]errorInfo{
	{ // v0 (0.4.0-wip)
		errInvalidArgument:      {400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param"},
		errUnauthenticated:      {401, "UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials"},
		errPermissionDenied:     {403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action"},
		errNotMobileNetwork:     {403, "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK", "Client must authenticate via the mobile network to use this service"},
		errInvalidTokenContext:  {403, "NUMBER_VERIFICATION.INVALID_TOKEN_CONTEXT", "Phone number cannot be deducted from access token context"},
		errNotFound:             {404, "NOT_FOUND", "The specified resource is not found."},
		errMethodNotAllowed:     {405, "METHOD_NOT_ALLOWED", "The requested method is not allowed/supported on the target"},
		errNotAcceptable:        {406, "NOT_ACCEPTABLE", "The server can't produce a response matching the content requested by the client through Accept-* headers"},
		errUnsupportedMediaType: {415, "UNSUPPORTED_MEDIA_TYPE", "The server refuses to accept the request because the payload format is in an unsupported format."},
		errInternal:             {500, "INTERNAL", "Server error"},
	},
	{ // v1 (1.0.0)
		errInvalidArgument:      {400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param"},
		errUnauthenticated:      {401, "UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials."},
		errPermissionDenied:     {403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action."},
		errNotMobileNetwork:     {403, "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK", "Client must authenticate via the mobile network to use this service"},
		errInvalidTokenContext:  {403, "INVALID_TOKEN_CONTEXT", "Phone number cannot be deducted from access token context"},
		errNotFound:             {404, "NOT_FOUND", "The specified resource is not found."},
		errMethodNotAllowed:     {405, "METHOD_NOT_ALLOWED", "The requested method is not allowed/supported on the target resource."},
		errNotAcceptable:        {406, "NOT_ACCEPTABLE", "The server cannot produce a response matching the content requested by the client through `Accept-*` headers."},
		errUnsupportedMediaType: {415, "UNSUPPORTED_MEDIA_TYPE", "The server refuses to accept the request because the payload format is in an unsupported format."},
		errInternal:             {500, "INTERNAL", "Server error"},
	},
	{ // v2 (2.1.0): no INVALID_TOKEN_CONTEXT, a plain PERMISSION_DENIED
		errInvalidArgument:      {400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param"},
		errUnauthenticated:      {401, "UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required."},
		errPermissionDenied:     {403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action."},
		errNotMobileNetwork:     {403, "NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK", "Client must authenticate via the mobile network to use this service"},
		errInvalidTokenContext:  {403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action."},
		errNotFound:             {404, "NOT_FOUND", "The specified resource is not found."},
		errMethodNotAllowed:     {405, "METHOD_NOT_ALLOWED", "The requested method is not allowed/supported on the target resource."},
		errNotAcceptable:        {406, "NOT_ACCEPTABLE", "The server cannot produce a response matching the content requested by the client through `Accept-*` headers."},
		errUnsupportedMediaType: {415, "UNSUPPORTED_MEDIA_TYPE", "The server refuses to accept the request because the payload format is in an unsupported format."},
		errInternal:             {500, "INTERNAL", "Unknown server error. Typically a server bug."},
	},
}
