/*
 * The answer to one request: status, the few headers this service
 * sends, and the JSON body, serialized into one buffer for one write.
 */
#ifndef NV_RESPONSE_H
#define NV_RESPONSE_H

#include <stddef.h>

#include "errors.h"

#define RESPONSE_BODY_MAX	1024
#define RESPONSE_TEXT_MAX	32768	/* a text body of another's: metrics */
#define RESPONSE_MAX		(2048 + RESPONSE_TEXT_MAX)

struct response {
	int		 status;
	int		 is_error;
	enum nv_error	 error;
	const char	*code;		/* the CAMARA code sent, for the log */
	const char	*allow;		/* 405: the methods allowed */
	int		 head;		/* HEAD: headers only, GET's length */
	const char	*correlator;	/* echoed when not NULL */
	const char	*content_type;	/* NULL: application/json */
	const char	*text;		/* when set, the body instead of body */
	size_t		 text_len;
	char		 www_authenticate[160];
	char		 body[RESPONSE_BODY_MAX];
	size_t		 body_len;
};

void	response_init(struct response *);
void	response_error(struct response *, enum api_version, enum nv_error,
	    const char *message);
void	response_ok(struct response *, const char *json);
void	response_wipe(struct response *);
void	response_json(struct response *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	response_serialize(const struct response *, char *, size_t);

#endif
