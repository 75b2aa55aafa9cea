/*
 * The two operations: POST /verify and GET /device-phone-number.  They
 * see only the token's claims and the request's body, never the rest
 * of the environment; router.c's table names them.
 */
#ifndef NV_HANDLERS_H
#define NV_HANDLERS_H

#include <stddef.h>

#include "claims.h"
#include "errors.h"
#include "request.h"
#include "response.h"

enum verify_kind {
	VERIFY_PLAIN = 0,
	VERIFY_HASHED
};

struct verify_body {
	enum verify_kind kind;
	char		 value[PHONE_HASH_HEX + 1];
	size_t		 len;
};

/* What a route runs once the token has passed. */
typedef void	 handler_fn(const struct request *, const struct claims *,
		    struct response *, enum api_version);

handler_fn	 verify_handle;
handler_fn	 share_handle;

/* Returns NULL, or the 400 message saying what is wrong. */
const char	*verify_parse(const char *body, size_t len, struct verify_body *);
void		 verify_answer(const struct claims *, const struct verify_body *,
		    struct response *);
void		 share_answer(const struct claims *, struct response *);

#endif
