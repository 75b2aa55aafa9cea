/*
 * The introspection cache in one mapped file: a header with a robust
 * process-shared mutex and a random key, then buckets of ICACHE_WAYS
 * entries.  An entry is named by BLAKE2b keyed with the file's key
 * over the token, and its answer sealed by iseal.c under another
 * function of the token, with the entry's name and expiry as the
 * associated data: whoever reads the file without the token learns how
 * many answers there are and when they expire, never what they say.
 * An entry without a box is a claim: one worker is asking the endpoint
 * about that token, and the others wait for its answer rather than ask
 * too.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "icache.h"
#include "iseal.h"
#include "statefile.h"

#define ICACHE_MAGIC		"nv-icache-1"	/* 11 + NUL */
#define ICACHE_HEADER_BYTES	256
#define ICACHE_ID_BYTES		16
#define ICACHE_CAPACITY_MAX	1048576

_Static_assert(ICACHE_DATA_MAX == ISEAL_DATA_MAX, "one answer size");

struct icache_entry {
	unsigned char	 id[ICACHE_ID_BYTES];
	int64_t		 expires;	/* 0: free */
	uint64_t	 stamp;		/* when put: the oldest goes first */
	uint32_t	 len;		/* bytes of box; 0: a claim */
	uint32_t	 unused;
	struct iseal_box sealed;	/* nonce, then box */
};

struct icache_header {
	char		 magic[16];
	uint64_t	 buckets;
	uint64_t	 stamp;
	unsigned char	 idkey[crypto_generichash_KEYBYTES];
	pthread_mutex_t	 lock;
};

_Static_assert(sizeof(struct icache_header) <= ICACHE_HEADER_BYTES,
    "icache header too large");

/* buckets and idkey are copies taken at open, as in replay.c. */
struct icache {
	int			 fd;
	unsigned char		*map;
	size_t			 maplen;
	uint64_t		 buckets;
	unsigned char		 idkey[crypto_generichash_KEYBYTES];
	struct icache_header	*h;
	struct icache_entry	*e;
};

static const char *const icache_messages[ICACHE__MAX] = {
	[ICACHE_OK] = "ok",
	[ICACHE_MISS] = "not cached",
	[ICACHE_PENDING] = "another worker is asking",
	[ICACHE_TOO_BIG] = "answer too big to cache",
	[ICACHE_FAILED] = "introspection cache lock failed",
	[ICACHE_UNAVAILABLE] = "introspection cache unavailable",
};

const char *
icache_strerror(enum icache_err e)
{
	return (unsigned)e < ICACHE__MAX ? icache_messages[e] : "?";
}

static size_t
map_length(uint64_t buckets)
{
	return ICACHE_HEADER_BYTES +
	    buckets * ICACHE_WAYS * sizeof(struct icache_entry);
}

static uint64_t
buckets_for(size_t capacity)
{
	return ((uint64_t)capacity + ICACHE_WAYS - 1) / ICACHE_WAYS;
}

/* The entry's name: the file's key over the token. */
static void
entry_id(const struct icache *c, const char *tok, size_t len,
    unsigned char id[ICACHE_ID_BYTES])
{
	crypto_generichash(id, ICACHE_ID_BYTES, (const unsigned char *)tok,
	    len, c->idkey, sizeof(c->idkey));
}

static struct icache_entry *
bucket_of(const struct icache *c, const unsigned char *id)
{
	uint64_t	 h;

	memcpy(&h, id, sizeof(h));
	return &c->e[(h % c->buckets) * ICACHE_WAYS];
}

static int
icache_lock(struct icache *c)
{
	int	 e = pthread_mutex_lock(&c->h->lock);

	/*
	 * A worker died holding the lock: an entry it was writing is torn
	 * at worst, and a torn entry does not open.  Nothing to rebuild.
	 */
	if (e == EOWNERDEAD)
		return pthread_mutex_consistent(&c->h->lock) == 0 ? 0 : -1;
	return e == 0 ? 0 : -1;
}

/* Its live entry in bucket b, sealed or pending; NULL if none. */
static struct icache_entry *
find_live(struct icache_entry *b, const unsigned char *id, int64_t now)
{
	int	 i;

	for (i = 0; i < ICACHE_WAYS; i++)
		if (b[i].expires > now &&
		    sodium_memcmp(b[i].id, id, ICACHE_ID_BYTES) == 0)
			return &b[i];
	return NULL;
}

/* A free or expired entry of b, else its oldest: what a new one takes. */
static struct icache_entry *
find_room(struct icache_entry *b, int64_t now)
{
	struct icache_entry	*slot = &b[0];
	int			 i;

	for (i = 0; i < ICACHE_WAYS; i++)
		if (b[i].expires <= now)
			return &b[i];
	for (i = 1; i < ICACHE_WAYS; i++)
		if (b[i].stamp < slot->stamp)
			slot = &b[i];
	return slot;
}

enum icache_err
icache_get(struct icache *c, const char *tok, size_t len, int64_t now,
    int64_t claim, char *out, size_t cap, size_t *outlen)
{
	struct icache_entry	 copy, *b, *e;
	unsigned char		 id[ICACHE_ID_BYTES];
	enum icache_err		 rc = ICACHE_MISS;

	*outlen = 0;
	memset(&copy, 0, sizeof(copy));
	entry_id(c, tok, len, id);
	if (icache_lock(c) == -1)
		return ICACHE_FAILED;
	b = bucket_of(c, id);
	if ((e = find_live(b, id, now)) != NULL && e->len == 0)
		rc = ICACHE_PENDING;
	else if (e != NULL)
		memcpy(&copy, e, sizeof(copy));
	else if (claim > now) {
		/* Ours to ask: the others wait for its answer. */
		e = find_room(b, now);
		memset(e, 0, sizeof(*e));
		memcpy(e->id, id, sizeof(id));
		e->expires = claim;
		e->stamp = ++c->h->stamp;
	}
	pthread_mutex_unlock(&c->h->lock);
	/* Opened outside the lock: the other workers do not wait on it. */
	if (rc == ICACHE_MISS && copy.expires != 0 &&
	    copy.len == sizeof(copy.sealed.box) &&
	    iseal_open(&copy.sealed, tok, len, id, sizeof(id), copy.expires,
	    out, cap, outlen) == ISEAL_OK)
		rc = ICACHE_OK;
	sodium_memzero(&copy, sizeof(copy));
	return rc;
}

void
icache_release(struct icache *c, const char *tok, size_t len, int64_t now)
{
	struct icache_entry	*e;
	unsigned char		 id[ICACHE_ID_BYTES];

	entry_id(c, tok, len, id);
	if (icache_lock(c) == -1)
		return;
	if ((e = find_live(bucket_of(c, id), id, now)) != NULL && e->len == 0)
		e->expires = 0;
	pthread_mutex_unlock(&c->h->lock);
}

enum icache_err
icache_put(struct icache *c, const char *tok, size_t len, int64_t expires,
    int64_t now, const char *data, size_t dlen)
{
	struct icache_entry	 ent, *b, *slot;

	if (dlen > ICACHE_DATA_MAX)
		return ICACHE_TOO_BIG;
	if (expires <= now)
		return ICACHE_MISS;	/* already dead: nothing to keep */
	memset(&ent, 0, sizeof(ent));
	entry_id(c, tok, len, ent.id);
	ent.expires = expires;
	if (iseal_seal(&ent.sealed, tok, len, ent.id, sizeof(ent.id), expires,
	    data, dlen) != ISEAL_OK)
		return ICACHE_TOO_BIG;
	ent.len = (uint32_t)sizeof(ent.sealed.box);
	if (icache_lock(c) == -1)
		return ICACHE_FAILED;
	b = bucket_of(c, ent.id);
	/* Its own entry (answer or claim), else room as find_room() says. */
	if ((slot = find_live(b, ent.id, now)) == NULL)
		slot = find_room(b, now);
	ent.stamp = ++c->h->stamp;
	memcpy(slot, &ent, sizeof(ent));
	pthread_mutex_unlock(&c->h->lock);
	return ICACHE_OK;
}

size_t
icache_capacity(const struct icache *c)
{
	return (size_t)(c->buckets * ICACHE_WAYS);
}

static int
map_file(struct icache *c, uint64_t buckets, const char *path, char *err,
    size_t errlen)
{
	size_t	 len = map_length(buckets);
	void	*m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return -1;
	}
	c->map = m;
	c->maplen = len;
	c->buckets = buckets;
	c->h = (struct icache_header *)(void *)c->map;
	c->e = (struct icache_entry *)(void *)(c->map + ICACHE_HEADER_BYTES);
	return 0;
}

/*
 * A new table: every block reserved now (see replay.c's reserve(): a
 * sparse file on a full tmpfs is a SIGBUS mid-request), a new random
 * key, the magic last.
 */
static int
init_table(struct icache *c, uint64_t buckets, const char *path, char *err,
    size_t errlen)
{
	pthread_mutexattr_t	 a;
	int			 e;

	if (ftruncate(c->fd, 0) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((e = posix_fallocate(c->fd, 0, (off_t)map_length(buckets))) != 0) {
		snprintf(err, errlen, "%s: cannot reserve the %zu bytes of the "
		    "introspection cache: %s (give its file system room, or "
		    "lower introspection_cache_capacity)", path,
		    map_length(buckets), strerror(e));
		return -1;
	}
	if (map_file(c, buckets, path, err, errlen) == -1)
		return -1;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	e = pthread_mutex_init(&c->h->lock, &a);
	pthread_mutexattr_destroy(&a);
	if (e != 0) {
		snprintf(err, errlen, "%s: cannot make a shared lock", path);
		return -1;
	}
	c->h->buckets = buckets;
	c->h->stamp = 0;
	randombytes_buf(c->h->idkey, sizeof(c->h->idkey));
	memcpy(c->h->magic, ICACHE_MAGIC, sizeof(ICACHE_MAGIC));
	return 0;
}

/* 0: a table of this many buckets, of the file's length; else 1. */
static int
header_fits(int fd, off_t size, uint64_t buckets)
{
	struct icache_header	 h;

	if (size != (off_t)map_length(buckets) ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, ICACHE_MAGIC, sizeof(ICACHE_MAGIC)) != 0 ||
	    h.buckets != buckets)
		return 1;
	return 0;
}

int
icache_open(struct icache **out, const char *path, size_t capacity,
    uid_t owner, gid_t group, char *err, size_t errlen)
{
	struct icache	*c;
	struct stat	 st;
	uint64_t	 buckets;
	int		 rc = -1;

	*out = NULL;
	if (capacity == 0 || capacity > ICACHE_CAPACITY_MAX) {
		snprintf(err, errlen, "%s: capacity out of range", path);
		return -1;
	}
	buckets = buckets_for(capacity);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->fd = -1;
	/* Answers hold numbers, sealed or not: the user's file alone. */
	if ((c->fd = statefile_open(path, owner, group, "introspection cache",
	    err, errlen)) == -1)
		goto out;
	if (statefile_lock(c->fd, F_WRLCK) == -1 || fstat(c->fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (header_fits(c->fd, st.st_size, buckets) == 0) {
		if (map_file(c, buckets, path, err, errlen) == -1)
			goto out;
	} else if (flock(c->fd, LOCK_EX | LOCK_NB) == 0) {
		if (init_table(c, buckets, path, err, errlen) == -1)
			goto out;
	} else {
		snprintf(err, errlen, "%s: in use by workers with another "
		    "introspection_cache_capacity: stop them first", path);
		goto out;
	}
	memcpy(c->idkey, c->h->idkey, sizeof(c->idkey));
	if (flock(c->fd, LOCK_SH) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (c->fd != -1)
		(void)statefile_lock(c->fd, F_UNLCK);
	if (rc == -1) {
		icache_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void
icache_close(struct icache *c)
{
	if (c == NULL)
		return;
	if (c->map != NULL)
		munmap(c->map, c->maplen);
	if (c->fd != -1)
		close(c->fd);
	sodium_memzero(c->idkey, sizeof(c->idkey));
	free(c);
}


/* The file form behind introspect.c's seam (icache.h). */
static enum icache_err
ops_get(void *c, const char *tok, size_t len, int64_t now, int64_t claim,
    char *out, size_t cap, size_t *outlen)
{
	return icache_get(c, tok, len, now, claim, out, cap, outlen);
}

static void
ops_release(void *c, const char *tok, size_t len, int64_t now)
{
	icache_release(c, tok, len, now);
}

static enum icache_err
ops_put(void *c, const char *tok, size_t len, int64_t expires, int64_t now,
    const char *data, size_t dlen)
{
	return icache_put(c, tok, len, expires, now, data, dlen);
}

static void
ops_set_metrics(void *c, struct metrics *m)
{
	(void)c;
	(void)m;	/* a lock in memory: nothing to count */
}

static void
ops_close(void *c)
{
	icache_close(c);
}

const struct icache_ops icache_file_ops = {
	.get = ops_get,
	.release = ops_release,
	.put = ops_put,
	.set_metrics = ops_set_metrics,
	.close = ops_close,
};
