/*
 * The route table: which operation a request's path names, under which
 * API version, with its method, scope, body and handler.
 */
#ifndef NV_ROUTER_H
#define NV_ROUTER_H

#include "claims.h"
#include "errors.h"
#include "handlers.h"
#include "metrics_route.h"

enum route {
	ROUTE_VERIFY = 0,
	ROUTE_SHARE,
	ROUTE_METRICS,		/* metrics_path, when configured */
	ROUTE__MAX
};

struct service;

/*
 * What a route without a token runs: it answers from the service's
 * own state (the metrics), never from a client's claims.
 */
typedef void	 open_fn(const struct service *, const struct request *,
		    struct response *);

struct route_def {
	const char	*path;		/* below /number-verification/vN;
					 * NULL: a configured path */
	const char	*method;
	const char	*allow;		/* the Allow header of its 405 */
	enum scope	 scope;
	int		 has_body;
	handler_fn	*handle;	/* after the token */
	open_fn		*open;		/* or, with no token */
};

struct route_match {
	enum route		 route;
	enum api_version	 version;
	int			 found;
};

const struct route_def	*router_def(enum route);
void			 router_match(const char *script_name,
			    const char *path_info, const char *request_uri,
			    enum api_version fallback, struct route_match *);
/*
 * 1 when the request's whole path (REQUEST_URI's without the query,
 * else SCRIPT_NAME and PATH_INFO together) is exactly path: a route
 * the operator mounts where it likes, outside the API's paths.
 */
int			 router_match_path(const char *path,
			    const char *script_name, const char *path_info,
			    const char *request_uri);

#endif
