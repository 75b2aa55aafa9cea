/*
 * One request in, one response out: the checks in the order the API
 * contract fixes, without any I/O of its own but the body read.
 */
#ifndef NV_SERVICE_H
#define NV_SERVICE_H

#include <time.h>

#include "config.h"
#include "deckeys.h"
#include "jwks.h"
#include "replay.h"
#include "request.h"
#include "response.h"

struct service {
	const struct config	*cfg;
	const struct jwks	*keys;
	const struct deckeys	*deckeys;	/* NULL: no decryption key */
	struct replay		*replay;	/* single_use = yes, else NULL */
};

struct service_outcome {
	const char	*detail;	/* for the log: why a token failed */
};

void	service_handle(const struct service *, const struct request *,
	    time_t now, struct response *, struct service_outcome *);

#endif
