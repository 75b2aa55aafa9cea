/*
 * The single-use store: the set of tokens already used, shared by every
 * worker of the pool on the machine through one mapped file.
 */
#ifndef NV_REPLAY_H
#define NV_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define REPLAY_KEY_BYTES	32	/* a SHA-256: the token is never kept */

enum replay_err {
	REPLAY_OK = 0,		/* first use: now recorded */
	REPLAY_SEEN,		/* used before */
	REPLAY_FULL,		/* no room: refused, fail closed */
	REPLAY_FAILED,		/* the shared lock could not be taken */
	REPLAY__MAX
};

struct replay;

/*
 * Opens or creates the store at path for capacity live tokens.  When
 * owner is not (uid_t)-1 (started as root with `user`), the file is
 * opened or created as that user and group, so it is theirs and holds
 * nothing they could not open.  The file must be that user's (else
 * the running user's), mode 0600, with one name, in a folder only its
 * owner (root or that user) can write.
 */
int		 replay_open(struct replay **, const char *path,
		    size_t capacity, uid_t owner, gid_t group, char *err,
		    size_t errlen);
/* Records key until expires (seconds since the epoch) unless seen. */
enum replay_err	 replay_use(struct replay *,
		    const unsigned char key[REPLAY_KEY_BYTES], int64_t expires,
		    int64_t now);
size_t		 replay_count(struct replay *);
size_t		 replay_capacity(const struct replay *);
void		 replay_close(struct replay *);

/* The key of a token without jti: SHA-256 of "jws:" and the token. */
void		 replay_key_token(unsigned char key[REPLAY_KEY_BYTES],
		    const char *tok, size_t len);

#endif
