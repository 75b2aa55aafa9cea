/*
 * Key rotation without restart.  The request path pays one clock read;
 * a stat(2) of the key set file follows only when a second has passed,
 * and the file is read only when its identity (device, inode, size,
 * modification time) changed, or on SIGHUP.  Operators replace the file
 * by writing it aside and renaming it into place, so a reader sees the
 * old file or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"

#define KEYS_ERR_MAX	512

static void
keys_id_of(struct keys_id *id, const struct stat *st)
{
	memset(id, 0, sizeof(*id));
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtim = st->st_mtim;
	id->present = 1;
}

static int
keys_id_equal(const struct keys_id *a, const struct keys_id *b)
{
	return a->present == b->present && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtim.tv_sec == b->mtim.tv_sec &&
	    a->mtim.tv_nsec == b->mtim.tv_nsec;
}

/*
 * Reads and parses the file into *set; *id gets the identity of what
 * was read (from fstat of the same descriptor), even when it is bad,
 * so that one bad file is reported once, not every second.
 */
static int
keys_read(const char *path, unsigned algs, struct jwks *set,
    struct keys_id *id, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL, why[KEYS_ERR_MAX];
	size_t		 len = 0;
	int		 fd, rc = -1;

	memset(set, 0, sizeof(*set));
	memset(id, 0, sizeof(*id));
	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer,
	 * holding start-up, or a worker until its request deadline.  The
	 * open returns at once; jwks_read_fd() then refuses anything but a
	 * regular file, on the fstat of this same descriptor.
	 */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	keys_id_of(id, &st);
	if (jwks_read_fd(fd, &st, path, JWKS_FILE_MAX, &buf, &len, err,
	    errlen) == -1)
		goto out;
	if (jwks_parse(set, buf, len, algs, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

int
keys_open(struct keys *k, const char *path, unsigned algs, long long now_ms,
    char *err, size_t errlen)
{
	memset(k, 0, sizeof(*k));
	k->path = path;
	k->algs = algs;
	k->checked_ms = now_ms;
	k->reads = 1;
	return keys_read(path, algs, &k->set, &k->id, err, errlen);
}

enum keys_reload
keys_maybe_reload(struct keys *k, long long now_ms, int force)
{
	struct jwks	 set;
	struct keys_id	 id;
	struct stat	 st;
	char		 err[KEYS_ERR_MAX];

	if (!force && now_ms - k->checked_ms < KEYS_CHECK_MS)
		return KEYS_UNCHANGED;
	k->checked_ms = now_ms;
	if (!force) {
		if (stat(k->path, &st) == -1) {
			/* Gone: keep serving, say it once. */
			if (k->id.present)
				lerr("key set %s: %s; the old keys stay in "
				    "force", k->path, strerror(errno));
			memset(&k->id, 0, sizeof(k->id));
			return KEYS_UNCHANGED;
		}
		keys_id_of(&id, &st);
		if (keys_id_equal(&id, &k->id))
			return KEYS_UNCHANGED;
	}
	k->reads++;
	if (keys_read(k->path, k->algs, &set, &id, err, sizeof(err)) == -1) {
		lerr("key set not reloaded, the old keys stay in force: %s",
		    err);
		k->id = id;
		metrics_add(k->metrics, METRICS_KEYSET_RELOAD_FAILURES, 1);
		return KEYS_KEPT;
	}
	jwks_free(&k->set);
	k->set = set;
	k->id = id;
	metrics_keyset(k->metrics, &k->set, time(NULL));
	linfo("key set %s reloaded: %zu key%s", k->path, set.n,
	    set.n == 1 ? "" : "s");
	return KEYS_RELOADED;
}

void
keys_close(struct keys *k)
{
	jwks_free(&k->set);
	memset(k, 0, sizeof(*k));
}
