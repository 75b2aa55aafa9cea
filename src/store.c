/*
 * The single-use store: which one is configured, and the translation
 * of each one's answers into store_err.  A store is one more case of
 * each switch here, and its own file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "store_redis.h"

struct store {
	enum config_store	 kind;
	struct replay		*replay;	/* CONFIG_STORE_FILE */
	struct store_redis	*redis;		/* CONFIG_STORE_REDIS */
};

static const char *const store_messages[STORE__MAX] = {
	[STORE_OK] = "first use",
	[STORE_SEEN] = "token already used",
	[STORE_FULL] = "single-use store full",
	[STORE_UNAVAILABLE] = "single-use store unavailable",
	[STORE_FAILED] = "single-use store failed",
};

const char *
store_strerror(enum store_err e)
{
	return (unsigned)e < STORE__MAX ? store_messages[e] : "?";
}

int
store_open(struct store **sp, const struct config *c, uid_t owner,
    gid_t group, char *err, size_t errlen)
{
	struct store	*s;
	int		 rc = -1;

	*sp = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->kind = c->single_use_store;
	switch (s->kind) {
	case CONFIG_STORE_REDIS:
		if (store_redis_open(&s->redis, c, err, errlen) == -1)
			goto out;
		break;
	case CONFIG_STORE_FILE:
	default:
		if (replay_open(&s->replay, c->single_use_file,
		    (size_t)c->single_use_capacity, owner, group, err,
		    errlen) == -1)
			goto out;
		break;
	}
	*sp = s;
	s = NULL;
	rc = 0;
out:
	store_close(s);
	return rc;
}

enum store_err
store_use(struct store *s, const unsigned char key[STORE_KEY_BYTES],
    int64_t expires, int64_t now, const char **detail)
{
	*detail = NULL;
	if (s->kind == CONFIG_STORE_REDIS)
		return store_redis_use(s->redis, key, expires, now, detail);
	switch (replay_use(s->replay, key, expires, now)) {
	case REPLAY_OK:
		return STORE_OK;
	case REPLAY_SEEN:
		return STORE_SEEN;
	case REPLAY_FULL:
		return STORE_FULL;
	default:
		return STORE_FAILED;	/* store_strerror() says so */
	}
}

int
store_size(struct store *s, long long *entries, long long *capacity)
{
	*entries = *capacity = -1;
	if (s == NULL || s->kind != CONFIG_STORE_FILE)
		return -1;
	*entries = (long long)replay_count(s->replay);
	*capacity = (long long)replay_capacity(s->replay);
	return 0;
}

void
store_set_metrics(struct store *s, struct metrics *m)
{
	if (s != NULL)
		store_redis_set_metrics(s->redis, m);
}

struct redis_conn *
store_conn(const struct store *s)
{
	return s != NULL ? store_redis_conn(s->redis) : NULL;
}

int
store_needs_network(const struct store *s)
{
	return s != NULL && s->kind == CONFIG_STORE_REDIS;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	replay_close(s->replay);
	store_redis_close(s->redis);
	free(s);
}
