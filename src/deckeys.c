/*
 * Loading the X25519 decryption keys.  Unlike the public key set, this
 * file holds nothing but decryption keys, so any other entry is a
 * mistake that stops start-up; and since it is secret, a file that
 * group or others may read is refused, checked on the open descriptor.
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
#include "deckeys.h"
#include "jparse.h"
#include "jwks.h"

/* The file's bytes, after the mode check when DECKEYS_PRIVATE. */
static int
read_key_file(const char *path, int flags, char **buf, size_t *len,
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
	else if ((flags & DECKEYS_PRIVATE) &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		snprintf(err, errlen, "%s: mode %04o gives group or others "
		    "access to the decryption keys; it must be 0600 "
		    "(chmod 600 %s)", path, (unsigned)(st.st_mode & 07777),
		    path);
	else
		rc = jwks_read_fd(fd, &st, path, DECKEYS_FILE_MAX, buf, len,
		    err, errlen);
	close(fd);
	return rc;
}

/* json-c frees without clearing: clear a secret member's bytes first. */
static void
wipe_member(struct json_object *o, const char *name)
{
	const char	*s = jparse_string(o, name);

	if (s != NULL)
		sodium_memzero((void *)(uintptr_t)s, strlen(s));
}

static int
decode32(unsigned char out[32], const char *s)
{
	size_t	 n;

	return s != NULL && b64url_decode(out, 32, &n, s, strlen(s)) == 0 &&
	    n == 32 ? 0 : -1;
}

static int
is_x25519(struct json_object *o)
{
	const char	*kty = jparse_string(o, "kty");
	const char	*crv = jparse_string(o, "crv");

	return kty != NULL && strcmp(kty, "OKP") == 0 && crv != NULL &&
	    strcmp(crv, "X25519") == 0;
}

static int
take_kid(struct deckey *k, struct json_object *o, size_t idx, char *err,
    size_t errlen)
{
	const char	*kid;

	/* An encrypted token names its key: one without a kid is unusable. */
	if (!json_object_object_get_ex(o, "kid", NULL)) {
		snprintf(err, errlen, "key %zu has no \"kid\": encrypted "
		    "tokens name their decryption key by it", idx);
		return -1;
	}
	if ((kid = jparse_string(o, "kid")) == NULL || *kid == '\0' ||
	    strlen(kid) > JWKS_KID_MAX) {
		snprintf(err, errlen, "key %zu: \"kid\" must be a string of "
		    "1 to %d bytes", idx, JWKS_KID_MAX);
		return -1;
	}
	memcpy(k->kid, kid, strlen(kid) + 1);
	k->has_kid = 1;
	return 0;
}

static int
deckey_one(struct deckey *k, struct json_object *o, size_t idx, char *err,
    size_t errlen)
{
	unsigned char	 x[crypto_scalarmult_BYTES];
	const char	*use;

	if (!json_object_is_type(o, json_type_object) || !is_x25519(o)) {
		snprintf(err, errlen, "key %zu is not an X25519 key "
		    "(\"kty\":\"OKP\",\"crv\":\"X25519\")", idx);
		return -1;
	}
	if ((use = jparse_string(o, "use")) != NULL &&
	    strcmp(use, "enc") != 0) {
		snprintf(err, errlen, "key %zu: \"use\" is not \"enc\"", idx);
		return -1;
	}
	if (decode32(k->sk, jparse_string(o, "d")) == -1) {
		snprintf(err, errlen, "key %zu: \"d\" is not a base64url "
		    "X25519 private key of 32 bytes", idx);
		return -1;
	}
	crypto_scalarmult_base(k->pk, k->sk);
	if (json_object_object_get_ex(o, "x", NULL) &&
	    (decode32(x, jparse_string(o, "x")) == -1 ||
	    sodium_memcmp(x, k->pk, sizeof(x)) != 0)) {
		snprintf(err, errlen, "key %zu: \"x\" does not belong to "
		    "\"d\"", idx);
		return -1;
	}
	return take_kid(k, o, idx, err, errlen);
}

/* The keys: a set's "keys" array, or, with DECKEYS_SINGLE, one JWK. */
static struct json_object *
key_list(struct json_object *root, int flags, struct json_object **single)
{
	struct json_object	*arr;

	*single = NULL;
	if (json_object_object_get_ex(root, "keys", &arr))
		return json_object_is_type(arr, json_type_array) ? arr : NULL;
	if ((flags & DECKEYS_SINGLE) &&
	    json_object_object_get_ex(root, "kty", NULL)) {
		*single = json_object_new_array();
		if (*single != NULL)
			json_object_array_add(*single, json_object_get(root));
		return *single;
	}
	return NULL;
}

int
deckeys_parse(struct deckeys *set, const char *buf, size_t len, int flags,
    char *err, size_t errlen)
{
	struct json_object	*root = NULL, *arr = NULL, *single = NULL;
	enum jparse_err		 jerr;
	size_t			 i, j, n = 0;
	int			 rc = -1;

	memset(set, 0, sizeof(*set));
	if ((jerr = jparse_object(buf, len, &root)) != JPARSE_OK) {
		snprintf(err, errlen, "key set %s", jparse_strerror(jerr));
		goto out;
	}
	if ((arr = key_list(root, flags, &single)) == NULL) {
		snprintf(err, errlen, "key set has no \"keys\" array");
		goto out;
	}
	if ((n = json_object_array_length(arr)) == 0 || n > DECKEYS_MAX) {
		snprintf(err, errlen, "key set must hold 1 to %d keys",
		    DECKEYS_MAX);
		goto out;
	}
	if ((set->keys = calloc(n, sizeof(*set->keys))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++, set->n++)
		if (deckey_one(&set->keys[i], json_object_array_get_idx(arr,
		    i), i, err, errlen) == -1)
			goto out;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (set->keys[i].has_kid && set->keys[j].has_kid &&
			    strcmp(set->keys[i].kid, set->keys[j].kid) == 0) {
				snprintf(err, errlen, "key id \"%s\" is used "
				    "twice", set->keys[i].kid);
				goto out;
			}
	rc = 0;
out:
	for (i = 0; arr != NULL && i < n; i++)
		wipe_member(json_object_array_get_idx(arr, i), "d");
	json_object_put(single);
	json_object_put(root);
	if (rc == -1)
		deckeys_free(set);
	return rc;
}

int
deckeys_load(struct deckeys *set, const char *path, int flags, char *err,
    size_t errlen)
{
	char	*buf = NULL, why[256];
	size_t	 len = 0;
	int	 rc;

	memset(set, 0, sizeof(*set));
	if (read_key_file(path, flags, &buf, &len, err, errlen) == -1)
		return -1;
	if ((rc = deckeys_parse(set, buf, len, flags, why, sizeof(why))) == -1)
		snprintf(err, errlen, "%s: %s", path, why);
	sodium_memzero(buf, len);
	free(buf);
	return rc;
}

/*
 * An encrypted token names its key: unlike the signing keys, no key is
 * taken for a token without a kid, even from a set of one.
 */
const struct deckey *
deckeys_find(const struct deckeys *set, const char *kid, size_t kidlen)
{
	size_t	 i;

	if (set == NULL || set->n == 0 || kid == NULL)
		return NULL;
	for (i = 0; i < set->n; i++)
		if (jwks_kid_is(set->keys[i].kid, set->keys[i].has_kid, kid,
		    kidlen))
			return &set->keys[i];
	return NULL;
}

void
deckeys_free(struct deckeys *set)
{
	if (set->keys != NULL) {
		sodium_memzero(set->keys, set->n * sizeof(*set->keys));
		free(set->keys);
	}
	set->keys = NULL;
	set->n = 0;
}

int
deckeys_recipient(const char *path, const char *kid,
    unsigned char pk[crypto_scalarmult_BYTES], char **kidout, char *err,
    size_t errlen)
{
	struct json_object	*root = NULL, *arr, *single = NULL, *o = NULL;
	struct json_object	*e;
	const char		*k;
	char			*buf = NULL;
	size_t			 len, i, found = 0;
	int			 rc = -1;

	*kidout = NULL;
	if (read_key_file(path, 0, &buf, &len, err, errlen) == -1)
		return -1;
	if (jparse_object(buf, len, &root) != JPARSE_OK ||
	    (arr = key_list(root, DECKEYS_SINGLE, &single)) == NULL) {
		snprintf(err, errlen, "%s: not a JWKS or JWK", path);
		goto out;
	}
	for (i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_object) ||
		    !is_x25519(e))
			continue;
		k = jparse_string(e, "kid");
		if (kid != NULL && (k == NULL || strcmp(k, kid) != 0))
			continue;
		o = e;
		found++;
	}
	if (found != 1) {
		snprintf(err, errlen, found == 0 ? "%s: no X25519 key%s%s" :
		    "%s: several X25519 keys%s%s; pick one with its kid", path,
		    kid != NULL ? " with kid " : "", kid != NULL ? kid : "");
		goto out;
	}
	if (decode32(pk, jparse_string(o, "x")) == -1) {
		snprintf(err, errlen, "%s: \"x\" is not a base64url X25519 "
		    "public key of 32 bytes", path);
		goto out;
	}
	/* nv-fcgi refuses an encrypted token without a kid. */
	if ((k = jparse_string(o, "kid")) == NULL || *k == '\0') {
		snprintf(err, errlen, "%s: the X25519 key has no \"kid\"; "
		    "nv-fcgi needs one to pick its decryption key", path);
		goto out;
	}
	if ((*kidout = strdup(k)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	json_object_put(single);
	json_object_put(root);
	sodium_memzero(buf, len);
	free(buf);
	return rc;
}
