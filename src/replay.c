/*
 * The single-use store in one mapped file: a header with a robust
 * process-shared mutex, then an open-addressing table of (SHA-256,
 * expiry) pairs.  Workers forked by spawn-fcgi or a web server each
 * open the file by name, so one set serves the whole pool.
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

#include "mapfile.h"
#include "replay.h"

#define REPLAY_MAGIC		"nv-single-use-1"	/* 15 + NUL */
#define REPLAY_HEADER_BYTES	256
#define REPLAY_EMPTY		0	/* expires of a free slot */
#define REPLAY_CAPACITY_MAX	1048576	/* single_use_capacity's bound */

struct replay_entry {
	unsigned char	 key[REPLAY_KEY_BYTES];
	int64_t		 expires;
};

struct replay_header {
	char		 magic[16];
	uint64_t	 capacity;	/* live tokens at most */
	uint64_t	 slots;		/* a power of two, >= 2 * capacity */
	uint64_t	 count;		/* slots in use, expired or not */
	pthread_mutex_t	 lock;
};

_Static_assert(sizeof(struct replay_header) <= REPLAY_HEADER_BYTES,
    "replay header too large");

/*
 * slots and capacity are this worker's own copies, taken when the
 * header was checked against the file's length at open: any process
 * of the service's user can write the shared header, and a slot count
 * read from it on each call would send the probes outside the mapping.
 */
struct replay {
	int			 fd;
	unsigned char		*map;
	size_t			 maplen;
	uint64_t		 slots;
	uint64_t		 capacity;
	struct replay_header	*h;
	struct replay_entry	*e;
};


void
replay_key_token(unsigned char key[REPLAY_KEY_BYTES], const char *tok,
    size_t len)
{
	crypto_hash_sha256_state	 st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"jws:", 4);
	crypto_hash_sha256_update(&st, (const unsigned char *)tok, len);
	crypto_hash_sha256_final(&st, key);
}

static uint64_t
slots_for(size_t capacity)
{
	uint64_t	 n = 2;

	/* At most half full, so probe chains stay short. */
	while (n < 2 * (uint64_t)capacity)
		n <<= 1;
	return n;
}

static size_t
map_length(uint64_t slots)
{
	return REPLAY_HEADER_BYTES + slots * sizeof(struct replay_entry);
}

/* The key is already a uniform hash: its first bytes pick the slot. */
static uint64_t
home_of(const struct replay *r, const unsigned char *key)
{
	uint64_t	 h;

	memcpy(&h, key, sizeof(h));
	return h & (r->slots - 1);
}

/*
 * Frees slot i and shifts later entries of its cluster back, so that
 * every entry stays reachable from its home slot without tombstones
 * (Knuth's deletion for linear probing).
 */
static void
slot_delete(struct replay *r, uint64_t i)
{
	uint64_t	 mask = r->slots - 1, j = i, k;

	for (;;) {
		r->e[i].expires = REPLAY_EMPTY;
		for (;;) {
			j = (j + 1) & mask;
			if (r->e[j].expires == REPLAY_EMPTY)
				goto done;
			k = home_of(r, r->e[j].key);
			/* Stays if its home lies cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		r->e[i] = r->e[j];
		i = j;
	}
done:
	r->h->count--;
}

/*
 * -1 when no slot is free, which the shared count should have
 * prevented: it is taken as full, never probed past.
 */
static int
slot_insert(struct replay *r, const unsigned char *key, int64_t expires)
{
	uint64_t	 mask = r->slots - 1, i = home_of(r, key), n;

	for (n = 0; r->e[i].expires != REPLAY_EMPTY; n++) {
		if (n == r->slots)
			return -1;
		i = (i + 1) & mask;
	}
	memcpy(r->e[i].key, key, REPLAY_KEY_BYTES);
	r->e[i].expires = expires;
	r->h->count++;
	return 0;
}

/*
 * Forgets every expired entry.  The sweep starts after a free slot (the
 * table is never more than half full): deletions only pull entries
 * back within their cluster, never past a free slot, so from there in
 * order each entry is looked at after any move that concerns it.
 */
static void
purge(struct replay *r, int64_t now)
{
	uint64_t	 mask = r->slots - 1, start, n, i;

	for (start = 0; start < r->slots &&
	    r->e[start].expires != REPLAY_EMPTY; start++)
		continue;
	/* No free slot: only a count written by another hand does that. */
	if (start == r->slots)
		start = 0;
	for (n = 1; n < r->slots; n++) {
		i = (start + n) & mask;
		while (r->e[i].expires != REPLAY_EMPTY &&
		    r->e[i].expires <= now)
			slot_delete(r, i);
	}
}

/*
 * Puts the live entries of old (slots entries) into r, keeping the
 * later expiry of duplicates.  Used after a worker died holding the
 * lock mid-change, and when the capacity changed between runs.
 */
static int
reinsert(struct replay *r, const struct replay_entry *old, uint64_t slots)
{
	uint64_t	 i, j, mask = r->slots - 1;

	for (i = 0; i < slots; i++) {
		if (old[i].expires == REPLAY_EMPTY)
			continue;
		for (j = home_of(r, old[i].key); r->e[j].expires !=
		    REPLAY_EMPTY; j = (j + 1) & mask)
			if (memcmp(r->e[j].key, old[i].key,
			    REPLAY_KEY_BYTES) == 0)
				break;
		if (r->e[j].expires != REPLAY_EMPTY) {
			if (old[i].expires > r->e[j].expires)
				r->e[j].expires = old[i].expires;
			continue;
		}
		if (r->h->count >= r->capacity ||
		    slot_insert(r, old[i].key, old[i].expires) == -1)
			return -1;
	}
	return 0;
}

static int
rebuild(struct replay *r)
{
	struct replay_entry	*copy;
	size_t			 len = r->slots * sizeof(*copy);

	if ((copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, r->e, len);
	memset(r->e, 0, len);
	r->h->count = 0;
	(void)reinsert(r, copy, r->slots);
	free(copy);
	return 0;
}

static int
replay_lock(struct replay *r)
{
	int	 e = pthread_mutex_lock(&r->h->lock);

	/*
	 * A worker died holding the lock, perhaps mid-shift: rebuild the
	 * table from what is there before trusting it again.
	 */
	if (e == EOWNERDEAD) {
		if (rebuild(r) == -1)
			return -1;
		return pthread_mutex_consistent(&r->h->lock) == 0 ? 0 : -1;
	}
	return e == 0 ? 0 : -1;
}

enum replay_err
replay_use(struct replay *r, const unsigned char key[REPLAY_KEY_BYTES],
    int64_t expires, int64_t now)
{
	uint64_t	 i, n, mask;
	enum replay_err	 rc;

	if (expires <= REPLAY_EMPTY)
		expires = REPLAY_EMPTY + 1;
	if (replay_lock(r) == -1)
		return REPLAY_FAILED;
	mask = r->slots - 1;
	i = home_of(r, key);
	for (n = 0; n < r->slots && r->e[i].expires != REPLAY_EMPTY; n++) {
		if (r->e[i].expires <= now) {
			/* Shifts the next entry of the chain into i. */
			slot_delete(r, i);
			continue;
		}
		if (memcmp(r->e[i].key, key, REPLAY_KEY_BYTES) == 0) {
			rc = REPLAY_SEEN;
			goto out;
		}
		i = (i + 1) & mask;
	}
	if (r->h->count >= r->capacity)
		purge(r, now);
	if (r->h->count >= r->capacity ||
	    slot_insert(r, key, expires) == -1) {
		rc = REPLAY_FULL;
		goto out;
	}
	rc = REPLAY_OK;
out:
	pthread_mutex_unlock(&r->h->lock);
	return rc;
}

size_t
replay_count(struct replay *r)
{
	size_t	 n;

	if (replay_lock(r) == -1)
		return 0;
	n = (size_t)r->h->count;
	pthread_mutex_unlock(&r->h->lock);
	return n;
}

size_t
replay_capacity(const struct replay *r)
{
	return (size_t)r->capacity;
}

/* Maps a table of slots entries; the count is kept from here on. */
static int
map_file(struct replay *r, uint64_t slots, char *err, size_t errlen,
    const char *path)
{
	size_t	 len = map_length(slots);
	void	*m;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return -1;
	}
	r->map = m;
	r->maplen = len;
	r->slots = slots;
	r->h = (struct replay_header *)(void *)r->map;
	r->e = (struct replay_entry *)(void *)(r->map + REPLAY_HEADER_BYTES);
	return 0;
}

static void
unmap_file(struct replay *r)
{
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	r->map = NULL;
	r->h = NULL;
	r->e = NULL;
}

/*
 * Reserves the blocks of the whole table now.  A file only sized with
 * ftruncate is sparse: each new slot touched takes a page then, and on
 * a full file system (a small tmpfs such as /run) the worker dies of
 * SIGBUS in the middle of a request, with no answer and no log line.
 * Tables made sparse by an earlier version are filled in on open.
 */
static int
reserve(struct replay *r, uint64_t slots, char *err, size_t errlen,
    const char *path)
{
	int	 e;

	if ((e = posix_fallocate(r->fd, 0, (off_t)map_length(slots))) != 0) {
		snprintf(err, errlen, "%s: cannot reserve the %zu bytes of "
		    "the single-use store: %s (give its file system room, "
		    "or lower single_use_capacity)", path, map_length(slots),
		    strerror(e));
		return -1;
	}
	return 0;
}

/* Lays out an empty table in a file of the right length. */
static int
init_table(struct replay *r, size_t capacity, char *err, size_t errlen,
    const char *path)
{
	pthread_mutexattr_t	 a;
	uint64_t		 slots = slots_for(capacity);
	int			 e;

	if (ftruncate(r->fd, 0) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (reserve(r, slots, err, errlen, path) == -1)
		return -1;
	if (map_file(r, slots, err, errlen, path) == -1)
		return -1;
	r->capacity = capacity;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	e = pthread_mutex_init(&r->h->lock, &a);
	pthread_mutexattr_destroy(&a);
	if (e != 0) {
		snprintf(err, errlen, "%s: cannot make a shared lock", path);
		return -1;
	}
	r->h->capacity = capacity;
	r->h->slots = slots;
	r->h->count = 0;
	/* The magic last: a half-made file is never taken for a table. */
	memcpy(r->h->magic, REPLAY_MAGIC, sizeof(REPLAY_MAGIC));
	return 0;
}

/*
 * The header as found: 0 when it describes a table of the file's
 * length, 1 when the file holds no table yet (new, or left half made
 * before the magic was written), -1 when it bears the magic but does
 * not add up: such a table is refused, neither followed nor wiped.
 */
static int
read_header(int fd, off_t size, struct replay_header *h)
{
	if (size < REPLAY_HEADER_BYTES ||
	    pread(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h) ||
	    memcmp(h->magic, REPLAY_MAGIC, sizeof(REPLAY_MAGIC)) != 0)
		return 1;
	if (h->slots == 0 || (h->slots & (h->slots - 1)) != 0 ||
	    h->slots > slots_for(REPLAY_CAPACITY_MAX) ||
	    h->capacity == 0 || slots_for(h->capacity) != h->slots ||
	    (off_t)map_length(h->slots) != size || h->count > h->slots)
		return -1;
	return 0;
}

/*
 * The table was made for another capacity and no worker has it open:
 * carry its live entries into a table of the new size, so a restart
 * with a new setting cannot make a used token good again.
 */
static int
resize_table(struct replay *r, const struct replay_header *old,
    size_t capacity, char *err, size_t errlen, const char *path)
{
	struct replay_entry	*copy = NULL;
	size_t			 len = 0;
	int			 rc = -1;

	if (old != NULL) {
		if (map_file(r, old->slots, err, errlen, path) == -1)
			goto out;
		len = old->slots * sizeof(*copy);
		if ((copy = malloc(len)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
		memcpy(copy, r->e, len);
		unmap_file(r);
	}
	if (init_table(r, capacity, err, errlen, path) == -1)
		goto out;
	if (copy != NULL && reinsert(r, copy, old->slots) == -1) {
		snprintf(err, errlen, "%s: holds more live tokens than "
		    "single_use_capacity %zu", path, capacity);
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/*
 * Two locks: an fcntl lock on the first byte serializes workers that
 * start at once, and a shared flock held for the life of each worker
 * tells a starting worker whether any other still uses the table.
 */
int
replay_open(struct replay **out, const char *path, size_t capacity,
    uid_t owner, gid_t group, char *err, size_t errlen)
{
	struct replay		*r;
	struct replay_header	 h;
	struct stat		 st;
	const char		*base;
	uid_t			 user = owner != (uid_t)-1 ? owner : geteuid();
	int			 dfd, have_header, rc = -1;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->fd = -1;
	if ((dfd = mapfile_open_folder(path, user, &base, err, errlen)) == -1)
		goto out;
	r->fd = mapfile_open_as_user(dfd, base, owner, group);
	close(dfd);
	if (r->fd == -1) {
		snprintf(err, errlen, "%s: %s (opened as uid %lu, which must "
		    "own the file, or the folder to create it in)", path,
		    strerror(errno), (unsigned long)user);
		goto out;
	}
	if (mapfile_lock_init(r->fd, F_WRLCK) == -1 || fstat(r->fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/*
	 * Nobody else may write tokens in, or take them out; and a second
	 * name would be a file of someone else's made ours (a hard link
	 * to it, put there before we came).
	 */
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
	    st.st_uid != user) {
		snprintf(err, errlen, "%s: must be a regular file of this "
		    "service's user (uid %lu) with mode 0600", path,
		    (unsigned long)user);
		goto out;
	}
	if (st.st_nlink != 1) {
		snprintf(err, errlen, "%s: has %lu names (hard links): the "
		    "store must be a file of its own", path,
		    (unsigned long)st.st_nlink);
		goto out;
	}
	if ((have_header = read_header(r->fd, st.st_size, &h)) == -1) {
		snprintf(err, errlen, "%s: not a single-use store of this "
		    "service (its header does not match its length of %lld "
		    "bytes): move it away", path, (long long)st.st_size);
		goto out;
	}
	have_header = have_header == 0;
	if (have_header && h.capacity == capacity &&
	    h.slots == slots_for(capacity)) {
		if (reserve(r, h.slots, err, errlen, path) == -1 ||
		    map_file(r, h.slots, err, errlen, path) == -1)
			goto out;
		r->capacity = h.capacity;
	} else if (flock(r->fd, LOCK_EX | LOCK_NB) == 0) {
		if (resize_table(r, have_header ? &h : NULL, capacity, err,
		    errlen, path) == -1)
			goto out;
	} else {
		snprintf(err, errlen, "%s: in use by workers with "
		    "single_use_capacity %llu: stop them first", path,
		    have_header ? (unsigned long long)h.capacity : 0ULL);
		goto out;
	}
	if (flock(r->fd, LOCK_SH) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (r->fd != -1)
		(void)mapfile_lock_init(r->fd, F_UNLCK);
	if (rc == -1) {
		replay_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
replay_close(struct replay *r)
{
	if (r == NULL)
		return;
	unmap_file(r);
	if (r->fd != -1)
		close(r->fd);
	free(r);
}
