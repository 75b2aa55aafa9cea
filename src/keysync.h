/*
 * nv-keysync's work: fetch the issuer's key set (through discovery
 * when configured), judge it with nv-fcgi's own key-set code, and put
 * it in jwks_file when it changed; plus the pure rules it keeps (media
 * types, refresh times).
 */
#ifndef NV_KEYSYNC_H
#define NV_KEYSYNC_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "http.h"

#define KEYSYNC_MAX_BODY	(1024 * 1024)	/* bytes of an answer */
#define KEYSYNC_TIMEOUT_MS	10000		/* one exchange */
#define KEYSYNC_DEFAULT_AGE	300	/* seconds, with no max-age */
#define KEYSYNC_WHY_MAX		256

enum keysync_result {
	KEYSYNC_WRITTEN = 0,	/* a new set, now in jwks_file */
	KEYSYNC_UNCHANGED,	/* the same bytes as jwks_file */
	KEYSYNC_FAILED		/* nothing written; why says so */
};

/* What one fetch found, for the log line and the next refresh. */
struct keysync_outcome {
	enum keysync_result	 result;
	const char		*uri;		/* the key set's, or discovery's */
	long			 status;	/* HTTP status; 0: no answer */
	size_t			 keys;		/* usable keys in the set */
	long			 max_age;	/* -1: none */
	int			 cancelled;	/* a signal ended it */
	char			 why[KEYSYNC_WHY_MAX];
};

struct keysync {
	const struct config	*cfg;
	struct http_client	 http;
	char			*uri;		/* the key set's, once known */
	char			*discovery;	/* NULL: jwks_uri is given */
};

enum keysync_doc {
	KEYSYNC_DOC_KEYS,	/* a key set */
	KEYSYNC_DOC_DISCOVERY	/* a discovery document */
};

int	keysync_init(struct keysync *, const struct config *, long timeout_ms,
	    volatile sig_atomic_t *cancel, char *err, size_t errlen);
void	keysync_free(struct keysync *);
void	keysync_fetch(struct keysync *, struct keysync_outcome *);

/* Pure parts, unit-tested. */
int	keysync_media_ok(const char *type, enum keysync_doc);
long	keysync_refresh_after(long max_age, long min, long max);
long	keysync_backoff(unsigned failures, long min);
int	keysync_write(const char *path, const char *buf, size_t len,
	    int *changed, char *err, size_t errlen);

#endif
