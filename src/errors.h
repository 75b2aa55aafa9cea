/*
 * The CAMARA ErrorInfo vocabulary: one table per API version, copied
 * from the OpenAPI files of that version and its Commonalities release.
 */
#ifndef NV_ERRORS_H
#define NV_ERRORS_H

enum api_version {
	API_V0 = 0,	/* 0.4.0-wip, Commonalities 0.3.0 */
	API_V1,		/* 1.0.0, Commonalities 0.6 */
	API_V2,		/* 2.1.0, Commonalities 0.6 */
	API__MAX
};

enum nv_error {
	NVE_INVALID_ARGUMENT = 0,
	NVE_UNAUTHENTICATED,
	NVE_PERMISSION_DENIED,
	NVE_NOT_MOBILE_NETWORK,
	NVE_INVALID_TOKEN_CONTEXT,
	NVE_NOT_FOUND,
	NVE_METHOD_NOT_ALLOWED,
	NVE_NOT_ACCEPTABLE,
	NVE_UNSUPPORTED_MEDIA_TYPE,
	NVE_INTERNAL,
	NVE_UNAVAILABLE,	/* the single-use store cannot answer */
	NVE__MAX
};

struct error_info {
	int		 status;
	const char	*code;
	const char	*message;
};

const struct error_info	*errors_get(enum api_version, enum nv_error);
const char		*errors_reason(int status);
const char		*errors_version_name(enum api_version);

#endif
