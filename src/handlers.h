/*
 * The two operations: POST /verify and GET /device-phone-number.  They
 * see only the token's claims and the body, never the environment.
 */
#ifndef NV_HANDLERS_H
#define NV_HANDLERS_H

#include <stddef.h>

#include "claims.h"
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

/* Returns NULL, or the 400 message saying what is wrong. */
const char	*verify_parse(const char *body, size_t len, struct verify_body *);
void		 verify_answer(const struct claims *, const struct verify_body *,
		    struct response *);
void		 share_answer(const struct claims *, struct response *);

#endif
