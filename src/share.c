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
