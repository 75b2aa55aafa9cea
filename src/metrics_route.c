/*
 * The metrics route: the pool's counters (metrics.c) and what this
 * worker knows of its own (the single-use store's size), rendered for
 * Prometheus.  No token: the web server mounts metrics_path for the
 * local scraper only.
 */
#include <stddef.h>

#include "metrics.h"
#include "metrics_route.h"
#include "response.h"
#include "service.h"
#include "store.h"

_Static_assert(METRICS_TEXT_MAX <= RESPONSE_TEXT_MAX,
    "the exposition must fit in an answer");

void
metrics_route_handle(const struct service *svc, const struct request *req,
    struct response *resp)
{
	struct metrics_gauges	 g;
	const char		*text;
	size_t			 len;

	(void)req;
	(void)store_size(svc->auth.store, &g.single_use_entries,
	    &g.single_use_capacity);
	if (metrics_render(svc->metrics, &g, &text, &len) == -1) {
		response_error(resp, svc->auth.cfg->api_version, NVE_INTERNAL,
		    NULL);
		return;
	}
	resp->status = 200;
	resp->is_error = 0;
	resp->content_type = METRICS_CONTENT_TYPE;
	resp->text = text;
	resp->text_len = len;
}
