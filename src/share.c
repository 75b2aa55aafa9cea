/*
 * GET /device-phone-number: the token's number, as it was validated
 * against the E.164 pattern (so it needs no JSON escaping).
 */
#include "handlers.h"

void
share_answer(const struct claims *c, struct response *r)
{
	response_json(r, "{\"devicePhoneNumber\":\"%s\"}", c->phone);
}

void
share_handle(const struct request *req, const struct claims *c,
    struct response *resp, enum api_version v)
{
	(void)req;
	(void)v;
	share_answer(c, resp);
}
