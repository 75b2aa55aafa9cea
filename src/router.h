/*
 * The route table: which operation a request's path names, under which
 * API version, with its method, scope, body and handler.
 */
#ifndef NV_ROUTER_H
#define NV_ROUTER_H

#include "claims.h"
#include "errors.h"
#include "handlers.h"

enum route {
	ROUTE_VERIFY = 0,
	ROUTE_SHARE,
	ROUTE__MAX
};

struct route_def {
	const char	*path;		/* below /number-verification/vN */
	const char	*method;
	const char	*allow;		/* the Allow header of its 405 */
	enum scope	 scope;
	int		 has_body;
	handler_fn	*handle;
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

#endif
