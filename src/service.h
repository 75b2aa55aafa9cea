/*
 * One request in, one response out: the checks in the order the API
 * contract fixes, without any I/O of its own but the body read.
 */
#ifndef NV_SERVICE_H
#define NV_SERVICE_H

#include <time.h>

#include "auth.h"
#include "request.h"
#include "response.h"

struct service {
	struct auth	 auth;	/* configuration, key sets, stores */
};

struct service_outcome {
	const char	*detail;	/* for the log: why a token failed */
};

void	service_handle(const struct service *, const struct request *,
	    time_t now, struct response *, struct service_outcome *);

#endif
