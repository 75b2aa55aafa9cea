/*
 * Loading the JWKS of Ed25519 verification keys.  Keys of other types
 * (RSA, EC, X25519) are skipped, since operators publish one set for
 * every service; a malformed Ed25519 key, or one that is not a valid
 * point of prime order, stops start-up instead of being ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "jparse.h"
#include "jwks.h"

/*
 * Reads the rest of an open small file.  The caller's fstat is reused,
 * so a key set's identity and its contents come from the same file.
 */
int
jwks_read_fd(int fd, const struct stat *st, const char *path, size_t max,
    char **buf, size_t *len, char *err, size_t errlen)
{
	char	*b = NULL;
	size_t	 got = 0;
	ssize_t	 n;
	int	 rc = -1;

	*buf = NULL;
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st->st_size > max) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	if ((b = malloc((size_t)st->st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st->st_size) {
		n = read(fd, b + got, (size_t)st->st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: read error", path);
			goto out;
		}
		got += (size_t)n;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	b = NULL;
	rc = 0;
out:
	/* The file may hold private keys: leave no part of it behind. */
	if (b != NULL)
		sodium_memzero(b, got);
	free(b);
	return rc;
}

int
jwks_read_file(const char *path, size_t max, char **buf, size_t *len,
    char *err, size_t errlen)
{
	struct stat	 st;
	int		 fd, rc = -1;

	*buf = NULL;
	/* O_NONBLOCK: a FIFO put there must not hold start-up (see keys.c). */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else
		rc = jwks_read_fd(fd, &st, path, max, buf, len, err, errlen);
	close(fd);
	return rc;
}

/* Returns 1 for a key taken, 0 for a key skipped, -1 for an error. */
static int
jwks_one(struct jwk *k, struct json_object *o, size_t idx, char *err,
    size_t errlen)
{
	const char	*kty, *crv, *x, *kid, *use;
	struct json_object *v;
	size_t		 n;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "key %zu is not a JSON object", idx);
		return -1;
	}
	kty = jparse_string(o, "kty");
	crv = jparse_string(o, "crv");
	if (kty == NULL || strcmp(kty, "OKP") != 0 || crv == NULL ||
	    strcmp(crv, "Ed25519") != 0)
		return 0;
	/* A key meant for encryption is not one to verify with. */
	if ((use = jparse_string(o, "use")) != NULL && strcmp(use, "sig") != 0)
		return 0;
	if ((x = jparse_string(o, "x")) == NULL ||
	    b64url_decode(k->pk, sizeof(k->pk), &n, x, strlen(x)) != 0 ||
	    n != sizeof(k->pk)) {
		snprintf(err, errlen, "key %zu: \"x\" is not a base64url "
		    "Ed25519 public key of 32 bytes", idx);
		return -1;
	}
	/* Small-order and non-canonical points can never verify anything
	 * honestly: refuse them where the operator sees it. */
	if (!crypto_core_ed25519_is_valid_point(k->pk)) {
		snprintf(err, errlen, "key %zu: \"x\" is not a valid "
		    "Ed25519 point (small order or non-canonical)", idx);
		return -1;
	}
	if (json_object_object_get_ex(o, "kid", &v)) {
		if ((kid = jparse_string(o, "kid")) == NULL ||
		    strlen(kid) == 0 || strlen(kid) > JWKS_KID_MAX ||
		    strlen(kid) != (size_t)json_object_get_string_len(v)) {
			snprintf(err, errlen, "key %zu: \"kid\" must be a "
			    "string of 1 to %d bytes", idx, JWKS_KID_MAX);
			return -1;
		}
		memcpy(k->kid, kid, strlen(kid) + 1);
		k->has_kid = 1;
	}
	return 1;
}

/*
 * Every token one key signs carries the same protected header, byte
 * for byte, so the set remembers which key each accepted header chose:
 * decoding and parsing it again would cost a quarter of what the token
 * check adds to the signature.  Four slots per key in buckets of four
 * picked by the segment's hash (SipHash, keyed at random): a client
 * sending many headers can only evict entries, and a hit must match
 * every byte.  Without memory for it, nothing is remembered and
 * nothing else changes.
 */
#define JWKS_MEMO_MIN	16
#define JWKS_MEMO_WAYS	4	/* slots per bucket; divides JWKS_MEMO_MIN */

static void
jwks_memo_init(struct jwks *set)
{
	size_t	 slots = JWKS_MEMO_MIN;

	while (slots < 4 * set->n)
		slots *= 2;
	if ((set->memo = calloc(slots, sizeof(*set->memo))) == NULL)
		return;
	set->memo_slots = slots;
	randombytes_buf(set->memo_hkey, sizeof(set->memo_hkey));
}

/* The segment's bucket, or NULL if none can hold it; *victim for put. */
static struct jwks_memo_slot *
jwks_memo_bucket(const struct jwks *set, const char *seg, size_t len,
    size_t *victim)
{
	unsigned char	 h[crypto_shorthash_BYTES];
	uint32_t	 i;

	if (set->memo == NULL || len > JWKS_MEMO_SEG_MAX)
		return NULL;
	crypto_shorthash(h, (const unsigned char *)seg, len, set->memo_hkey);
	memcpy(&i, h, sizeof(i));
	*victim = h[sizeof(i)] % JWKS_MEMO_WAYS;
	return &set->memo[i & (set->memo_slots - JWKS_MEMO_WAYS)];
}

static int
jwks_memo_is(const struct jwks_memo_slot *m, const char *seg, size_t len)
{
	return m->key != NULL && m->len == len && memcmp(m->seg, seg, len) == 0;
}

const struct jwk *
jwks_memo_get(const struct jwks *set, const char *seg, size_t len)
{
	const struct jwks_memo_slot	*m;
	size_t				 w, victim;

	if ((m = jwks_memo_bucket(set, seg, len, &victim)) == NULL)
		return NULL;
	for (w = 0; w < JWKS_MEMO_WAYS; w++)
		if (jwks_memo_is(&m[w], seg, len))
			return m[w].key;
	return NULL;
}

void
jwks_memo_put(const struct jwks *set, const char *seg, size_t len,
    const struct jwk *key)
{
	struct jwks_memo_slot	*m;
	size_t			 w, victim;

	if ((m = jwks_memo_bucket(set, seg, len, &victim)) == NULL)
		return;
	/* A free slot of the bucket, else one picked by the hash. */
	for (w = 0; w < JWKS_MEMO_WAYS && m[w].key != NULL; w++)
		continue;
	m += w < JWKS_MEMO_WAYS ? w : victim;
	m->key = key;
	m->len = len;
	memcpy(m->seg, seg, len);
}

int
jwks_parse(struct jwks *set, const char *buf, size_t len, char *err,
    size_t errlen)
{
	struct json_object	*root = NULL, *arr;
	enum jparse_err		 jerr;
	size_t			 i, j, n;
	int			 r, rc = -1;

	memset(set, 0, sizeof(*set));
	if ((jerr = jparse_object(buf, len, &root)) != JPARSE_OK) {
		snprintf(err, errlen, "key set %s", jparse_strerror(jerr));
		goto out;
	}
	if (!json_object_object_get_ex(root, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(err, errlen, "key set has no \"keys\" array");
		goto out;
	}
	n = json_object_array_length(arr);
	if (n > JWKS_KEYS_MAX) {
		snprintf(err, errlen, "key set has more than %d keys",
		    JWKS_KEYS_MAX);
		goto out;
	}
	if (n > 0 && (set->keys = calloc(n, sizeof(*set->keys))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		r = jwks_one(&set->keys[set->n],
		    json_object_array_get_idx(arr, i), i, err, errlen);
		if (r == -1)
			goto out;
		set->n += (size_t)r;
	}
	if (set->n == 0) {
		snprintf(err, errlen, "key set has no Ed25519 key");
		goto out;
	}
	for (i = 0; i < set->n; i++)
		for (j = i + 1; j < set->n; j++)
			if (set->keys[i].has_kid && set->keys[j].has_kid &&
			    strcmp(set->keys[i].kid, set->keys[j].kid) == 0) {
				snprintf(err, errlen, "key id \"%s\" is used "
				    "twice", set->keys[i].kid);
				goto out;
			}
	jwks_memo_init(set);
	rc = 0;
out:
	json_object_put(root);
	if (rc == -1)
		jwks_free(set);
	return rc;
}

int
jwks_load(struct jwks *set, const char *path, char *err, size_t errlen)
{
	char	*buf = NULL, why[256];
	size_t	 len;
	int	 rc;

	memset(set, 0, sizeof(*set));
	if (jwks_read_file(path, JWKS_FILE_MAX, &buf, &len, err, errlen) == -1)
		return -1;
	if ((rc = jwks_parse(set, buf, len, why, sizeof(why))) == -1)
		snprintf(err, errlen, "%s: %s", path, why);
	free(buf);
	return rc;
}

/*
 * Without a kid, only a set of one key can say which key is meant:
 * trying every key would let a token pick its own key.
 */
const struct jwk *
jwks_find(const struct jwks *set, const char *kid, size_t kidlen)
{
	size_t	 i;

	if (kid == NULL)
		return set->n == 1 ? &set->keys[0] : NULL;
	for (i = 0; i < set->n; i++)
		if (jwks_kid_is(set->keys[i].kid, set->keys[i].has_kid, kid,
		    kidlen))
			return &set->keys[i];
	return NULL;
}

/* Whether a key's id is exactly the kid of a token, NULs included. */
int
jwks_kid_is(const char *stored, int has_kid, const char *kid, size_t kidlen)
{
	return has_kid && kidlen > 0 && kidlen <= JWKS_KID_MAX &&
	    strlen(stored) == kidlen && memcmp(stored, kid, kidlen) == 0;
}

void
jwks_free(struct jwks *set)
{
	free(set->keys);
	free(set->memo);
	set->keys = NULL;
	set->n = 0;
	set->memo = NULL;
	set->memo_slots = 0;
}
