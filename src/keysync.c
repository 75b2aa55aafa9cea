/*
 * One fetch of the key set, start to end.  Nothing reaches jwks_file
 * unless the answer is a 200 of a key-set media type, parses with
 * jwks.c exactly as a worker will parse it, and holds a key a worker
 * can use; then it is written aside in the same folder, flushed and
 * renamed into place (the folder flushed too), so that a worker's
 * reload (keys.c) sees the old file or the new one, never half of
 * one.  Equal bytes are not written again, so the workers do not
 * re-read an unchanged set every refresh.  Key material is never
 * logged: only counts, the URI and the outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover.h"
#include "jwks.h"
#include "keysync.h"

/* RFC 7517 section 8.5 names jwk-set+json; jwks+json is seen in use. */
static const char *const keysync_key_types[] = {
	"application/json", "application/jwk-set+json",
	"application/jwks+json",
};

int
keysync_media_ok(const char *type, enum keysync_doc doc)
{
	size_t	 i;

	/* http.c gives the type in lower case, parameters cut off. */
	if (doc == KEYSYNC_DOC_DISCOVERY)
		return strcmp(type, "application/json") == 0;
	for (i = 0; i < sizeof(keysync_key_types) /
	    sizeof(keysync_key_types[0]); i++)
		if (strcmp(type, keysync_key_types[i]) == 0)
			return 1;
	return 0;
}

long
keysync_refresh_after(long max_age, long min, long max)
{
	long	 s = max_age < 0 ? KEYSYNC_DEFAULT_AGE : max_age;

	if (s < min)
		s = min;
	if (s > max)
		s = max;
	return s;
}

/* 1, 2, 4 … seconds after each failure in a row, never past min. */
long
keysync_backoff(unsigned failures, long min)
{
	long	 s = 1;

	while (failures > 1 && s < min) {
		s *= 2;
		failures--;
	}
	return s < min ? s : min;
}

int
keysync_init(struct keysync *ks, const struct config *cfg, long timeout_ms,
    volatile sig_atomic_t *cancel, char *err, size_t errlen)
{
	struct http_opts	 o;
	char			 why[128];

	memset(ks, 0, sizeof(*ks));
	ks->cfg = cfg;
	if (cfg->jwks_uri == NULL) {
		snprintf(err, errlen, "jwks_uri is not set");
		return -1;
	}
	/* config.c looked at the scheme only: the whole rule is here. */
	if (strcmp(cfg->jwks_uri, CONFIG_JWKS_DISCOVER) != 0 &&
	    http_url_check(cfg->jwks_uri, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "jwks_uri must be discover or an "
		    "https:// URL (http:// only to a loopback host): %s", why);
		return -1;
	}
	if (strcmp(cfg->jwks_uri, CONFIG_JWKS_DISCOVER) == 0) {
		if ((ks->discovery = discover_url(cfg->issuer)) == NULL)
			goto nomem;
	} else if ((ks->uri = strdup(cfg->jwks_uri)) == NULL)
		goto nomem;
	memset(&o, 0, sizeof(o));
	o.ca_file = cfg->jwks_ca_file;
	o.timeout_ms = timeout_ms;
	o.max_body = KEYSYNC_MAX_BODY;
	o.cancel = cancel;
	if (http_init(&ks->http, &o) == -1)
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	keysync_free(ks);
	return -1;
}

void
keysync_free(struct keysync *ks)
{
	http_free(&ks->http);
	free(ks->uri);
	free(ks->discovery);
	memset(ks, 0, sizeof(*ks));
}

/* A GET whose answer must be a 200 of the document's media types. */
static int
keysync_get(struct keysync *ks, const char *uri, enum keysync_doc doc,
    struct http_answer *a, struct keysync_outcome *out)
{
	char			 err[KEYSYNC_WHY_MAX];
	enum http_status	 st;

	out->uri = uri;
	if ((st = http_get(&ks->http, uri, a, err, sizeof(err))) != HTTP_OK) {
		out->cancelled = st == HTTP_ERR_CANCELLED;
		snprintf(out->why, sizeof(out->why), "%s", err);
		return -1;
	}
	out->status = a->status;
	out->max_age = a->max_age;
	if (a->status != 200) {
		snprintf(out->why, sizeof(out->why), "HTTP status %ld",
		    a->status);
		return -1;
	}
	if (!keysync_media_ok(a->type, doc)) {
		snprintf(out->why, sizeof(out->why), "media type \"%s\" is "
		    "not %s", a->type, doc == KEYSYNC_DOC_DISCOVERY ?
		    "application/json" : "application/json, "
		    "application/jwk-set+json nor application/jwks+json");
		return -1;
	}
	return 0;
}

/* Discovery, each time: the provider may move its key set. */
static int
keysync_discover(struct keysync *ks, struct keysync_outcome *out)
{
	struct http_answer	 a;
	enum discover_err	 de;
	char			*uri = NULL;
	int			 rc = -1;

	memset(&a, 0, sizeof(a));
	if (keysync_get(ks, ks->discovery, KEYSYNC_DOC_DISCOVERY, &a, out) ==
	    -1)
		goto out;
	if ((de = discover_check(a.body, a.len, ks->cfg->issuer, &uri)) !=
	    DISCOVER_OK) {
		snprintf(out->why, sizeof(out->why), "%s",
		    discover_strerror(de));
		goto out;
	}
	free(ks->uri);
	ks->uri = uri;
	rc = 0;
out:
	http_answer_free(&a);
	return rc;
}

void
keysync_fetch(struct keysync *ks, struct keysync_outcome *out)
{
	struct http_answer	 a;
	struct jwks		 set;
	char			 why[KEYSYNC_WHY_MAX];
	int			 changed;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	memset(&set, 0, sizeof(set));
	out->result = KEYSYNC_FAILED;
	out->max_age = -1;
	if (ks->discovery != NULL && keysync_discover(ks, out) == -1)
		goto out;
	out->status = 0;
	out->max_age = -1;
	if (keysync_get(ks, ks->uri, KEYSYNC_DOC_KEYS, &a, out) == -1)
		goto out;
	/* The worker's own judgement, with its own algorithms. */
	if (jwks_parse(&set, a.body, a.len, ks->cfg->signing_algs, why,
	    sizeof(why)) == -1) {
		snprintf(out->why, sizeof(out->why), "key set refused: %.200s",
		    why);
		goto out;
	}
	out->keys = set.n;
	if (set.n == 0) {
		snprintf(out->why, sizeof(out->why), "key set has no usable "
		    "key");
		goto out;
	}
	if (keysync_write(ks->cfg->jwks_file, a.body, a.len, &changed, why,
	    sizeof(why)) == -1) {
		snprintf(out->why, sizeof(out->why), "%s", why);
		goto out;
	}
	out->result = changed ? KEYSYNC_WRITTEN : KEYSYNC_UNCHANGED;
out:
	jwks_free(&set);
	http_answer_free(&a);
}

/* Whether path holds exactly buf; a missing or unreadable file does not. */
static int
keysync_same(const char *path, const char *buf, size_t len)
{
	char	*old = NULL, why[KEYSYNC_WHY_MAX];
	size_t	 olen = 0;
	int	 same;

	if (jwks_read_file(path, JWKS_FILE_MAX, &old, &olen, why,
	    sizeof(why)) == -1)
		return 0;
	same = olen == len && memcmp(old, buf, len) == 0;
	free(old);
	return same;
}

static int
keysync_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int
keysync_write(const char *path, const char *buf, size_t len, int *changed,
    char *err, size_t errlen)
{
	char		*tmp = NULL, *dir = NULL, *slash;
	int		 fd = -1, dfd = -1, rc = -1;

	*changed = 0;
	if (keysync_same(path, buf, len))
		return 0;
	/* In the same folder: rename(2) is atomic only within one. */
	if (asprintf(&tmp, "%s.XXXXXX", path) == -1 ||
	    (dir = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* A public key set, read by workers that may be another user. */
	if (fchmod(fd, 0644) == -1 || keysync_write_all(fd, buf, len) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "rename to %s: %s", path,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	*changed = 1;
	/* The rename itself survives a crash once the folder is flushed. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}
