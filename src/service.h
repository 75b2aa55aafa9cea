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

struct metrics;

struct service {
	struct auth	 auth;	/* configuration, key sets, stores */
	struct metrics	*metrics;	/* metrics_file's counters, or NULL */
};

struct service_outcome {
	const char		*detail;	/* for the log: why a token failed */
	enum auth_reason	 reason;	/* for the metrics: the same */
};

void	service_handle(const struct service *, const struct request *,
	    time_t now, struct response *, struct service_outcome *);

#endif
