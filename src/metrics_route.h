/*
 * GET (and HEAD) on metrics_path: the pool's counters in the
 * Prometheus text format.  router.c's table names it; no token.
 */
#ifndef NV_METRICS_ROUTE_H
#define NV_METRICS_ROUTE_H

struct request;
struct response;
struct service;

void	metrics_route_handle(const struct service *, const struct request *,
	    struct response *);

#endif
