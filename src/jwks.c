/*
 * Loading a JWKS of verification keys.  Operators publish one set for
 * every service, so keys this service cannot use (encryption keys, an
 * unknown kty or alg, an RSA modulus under 2048 bits, a point off its
 * curve) are skipped with a warning that names them; the set is refused
 * only when no usable key is left.  The public keys are built here,
 * once per set, never per request.
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
#include "log.h"

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

/* A base64url member, decoded into out: its length, or -1. */
static long
jwks_bytes(struct json_object *o, const char *name, unsigned char *out,
    size_t max)
{
	const char	*s;
	size_t		 len, n;

	if ((s = jparse_member(o, name, &len, NULL)) == NULL ||
	    b64url_decode(out, max, &n, s, len) != 0 || n == 0)
		return -1;
	return (long)n;
}

/* The key type of kty and crv, or -1. */
static int
jwks_kty(struct json_object *o)
{
	static const struct {
		const char	*kty, *crv;
		enum sig_kty	 type;
	} types[] = {
		{ "OKP", "Ed25519", SIG_KEY_ED25519 },
		{ "EC", "P-256", SIG_KEY_P256 },
		{ "EC", "P-384", SIG_KEY_P384 },
		{ "RSA", NULL, SIG_KEY_RSA },
	};
	const char	*kty, *crv;
	size_t		 i, kl, cl = 0;

	if ((kty = jparse_member(o, "kty", &kl, NULL)) == NULL)
		return -1;
	crv = jparse_member(o, "crv", &cl, NULL);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(kty, types[i].kty) == 0 && (types[i].crv == NULL ||
		    (crv != NULL && strcmp(crv, types[i].crv) == 0)))
			return (int)types[i].type;
	return -1;
}

/* Builds the key's public key from its members; -1 with a reason. */
static int
jwks_key(struct sig_key *key, enum sig_kty t, struct json_object *o,
    char *why, size_t whylen)
{
	unsigned char	 a[SIG_MAX_BYTES + 1], b[SIG_MAX_BYTES + 1];
	long		 al, bl;

	switch (t) {
	case SIG_KEY_ED25519:
		if ((al = jwks_bytes(o, "x", a, sizeof(a))) == -1)
			break;
		return sig_key_ed25519(key, a, (size_t)al, why, whylen);
	case SIG_KEY_P256:
	case SIG_KEY_P384:
		if ((al = jwks_bytes(o, "x", a, sizeof(a))) == -1 ||
		    (bl = jwks_bytes(o, "y", b, sizeof(b))) == -1)
			break;
		return sig_key_ec(key, t, a, (size_t)al, b, (size_t)bl, why,
		    whylen);
	case SIG_KEY_RSA:
		if ((al = jwks_bytes(o, "n", a, sizeof(a))) == -1 ||
		    (bl = jwks_bytes(o, "e", b, sizeof(b))) == -1) {
			snprintf(why, whylen, "\"n\" or \"e\" is missing, "
			    "not base64url, or longer than %d bits",
			    SIG_RSA_MAX_BITS);
			return -1;
		}
		return sig_key_rsa(key, a, (size_t)al, b, (size_t)bl, why,
		    whylen);
	default:
		break;
	}
	snprintf(why, whylen, "a coordinate is missing or not base64url");
	return -1;
}

/*
 * Fills k from the idx'th JWK.  Returns 1 for a key taken, 0 for a key
 * that can verify nothing here (with the reason in why).
 */
static int
jwks_one(struct jwk *k, struct json_object *o, unsigned accept, char *why,
    size_t whylen)
{
	const char		*s;
	enum sig_alg		 alg;
	size_t			 len;
	int			 t;

	memset(k, 0, sizeof(*k));
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(why, whylen, "not a JSON object");
		return 0;
	}
	if (json_object_object_get_ex(o, "kid", NULL)) {
		if ((s = jparse_member(o, "kid", &len, NULL)) == NULL || len == 0 ||
		    len > JWKS_KID_MAX) {
			snprintf(why, whylen, "\"kid\" is not a string of 1 "
			    "to %d bytes", JWKS_KID_MAX);
			return 0;
		}
		memcpy(k->kid, s, len + 1);
		k->has_kid = 1;
	}
	/* A key meant for encryption is not one to verify with. */
	if (json_object_object_get_ex(o, "use", NULL) &&
	    ((s = jparse_member(o, "use", &len, NULL)) == NULL ||
	    strcmp(s, "sig") != 0)) {
		snprintf(why, whylen, "\"use\" is not \"sig\"");
		return 0;
	}
	if ((t = jwks_kty(o)) == -1) {
		snprintf(why, whylen, "not an RSA, EC P-256, EC P-384 or OKP "
		    "Ed25519 key");
		return 0;
	}
	k->algs = sig_algs_of((enum sig_kty)t);
	/* A key bound to one algorithm verifies only that one. */
	if (json_object_object_get_ex(o, "alg", NULL)) {
		if ((s = jparse_member(o, "alg", &len, NULL)) == NULL ||
		    sig_alg_by_name(s, len, &alg) == -1 ||
		    (k->algs & SIG_BIT(alg)) == 0) {
			snprintf(why, whylen, "\"alg\" is not a signature "
			    "algorithm of a %s key",
			    sig_kty_name((enum sig_kty)t));
			return 0;
		}
		k->algs = SIG_BIT(alg);
	}
	if ((k->algs &= accept) == 0) {
		snprintf(why, whylen, "signing_algorithms accepts none of "
		    "its algorithms");
		return 0;
	}
	if (jwks_key(&k->key, (enum sig_kty)t, o, why, whylen) == -1) {
		k->algs = 0;
		return 0;
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
jwks_memo_get(const struct jwks *set, const char *seg, size_t len,
    enum sig_alg *alg)
{
	const struct jwks_memo_slot	*m;
	size_t				 w, victim;

	if ((m = jwks_memo_bucket(set, seg, len, &victim)) == NULL)
		return NULL;
	for (w = 0; w < JWKS_MEMO_WAYS; w++)
		if (jwks_memo_is(&m[w], seg, len)) {
			*alg = m[w].alg;
			return m[w].key;
		}
	return NULL;
}

void
jwks_memo_put(const struct jwks *set, const char *seg, size_t len,
    const struct jwk *key, enum sig_alg alg)
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
	m->alg = alg;
	m->len = len;
	memcpy(m->seg, seg, len);
}

/* Names a skipped key in the warning: its kid, when printable. */
static void
jwks_skipped(const struct jwk *k, size_t idx, const char *why)
{
	size_t	 i;

	for (i = 0; k->has_kid && k->kid[i] != '\0'; i++)
		if (k->kid[i] < 0x20 || k->kid[i] > 0x7e || k->kid[i] == '"')
			break;
	if (k->has_kid && k->kid[i] == '\0')
		lwarn("key set: key \"%s\" skipped: %s", k->kid, why);
	else
		lwarn("key set: key %zu skipped: %s", idx, why);
}

int
jwks_parse(struct jwks *set, const char *buf, size_t len, unsigned algs,
    char *err, size_t errlen)
{
	struct json_object	*root = NULL, *arr;
	enum jparse_err		 jerr;
	char			 why[256];
	size_t			 i, j, n;
	int			 rc = -1;

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
		if (jwks_one(&set->keys[set->n],
		    json_object_array_get_idx(arr, i), algs, why,
		    sizeof(why)) == 1)
			set->n++;
		else
			jwks_skipped(&set->keys[set->n], i, why);
	}
	if (set->n == 0) {
		snprintf(err, errlen, "key set has no usable signature key "
		    "(RSA, EC P-256 or P-384, OKP Ed25519, for an algorithm "
		    "of signing_algorithms)");
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
jwks_load(struct jwks *set, const char *path, unsigned algs, char *err,
    size_t errlen)
{
	char	*buf = NULL, why[256];
	size_t	 len;
	int	 rc;

	memset(set, 0, sizeof(*set));
	if (jwks_read_file(path, JWKS_FILE_MAX, &buf, &len, err, errlen) == -1)
		return -1;
	if ((rc = jwks_parse(set, buf, len, algs, why, sizeof(why))) == -1)
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
	size_t	 i;

	for (i = 0; i < set->n; i++)
		sig_key_free(&set->keys[i].key);
	free(set->keys);
	free(set->memo);
	set->keys = NULL;
	set->n = 0;
	set->memo = NULL;
	set->memo_slots = 0;
}
