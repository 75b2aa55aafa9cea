/*
 * The introspection cache: answers of the authorization server shared
 * by every worker of the pool through one mapped file.  An entry is
 * found by a keyed hash of the token and sealed under a key derived
 * from the token by another hash, so the file holds no answer (no
 * phone number) readable without the token itself.
 */
#ifndef NV_ICACHE_H
#define NV_ICACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ICACHE_DATA_MAX	1020	/* bytes of one answer: ISEAL_DATA_MAX */
#define ICACHE_WAYS	8	/* entries of one bucket */

enum icache_err {
	ICACHE_OK = 0,		/* found (get), kept (put) */
	ICACHE_MISS,		/* not there, expired, or not for this token */
	ICACHE_PENDING,		/* another worker is asking: wait, try again */
	ICACHE_TOO_BIG,		/* over ICACHE_DATA_MAX: not kept */
	ICACHE_FAILED,		/* the shared lock could not be taken */
	ICACHE_UNAVAILABLE,	/* Redis did not answer: a miss, no claim */
	ICACHE__MAX
};

struct icache;
struct metrics;

/*
 * The seam introspect.c sees: the cache's two forms, the mapped file
 * here (icache_file_ops, on a struct icache) and Redis
 * (icache_redis_ops in icache_redis.h, on a struct icache_redis), with
 * the same calls and the same answers.
 */
struct icache_ops {
	enum icache_err	(*get)(void *, const char *tok, size_t len,
			    int64_t now, int64_t claim, char *out, size_t cap,
			    size_t *outlen);
	void		(*release)(void *, const char *tok, size_t len,
			    int64_t now);
	enum icache_err	(*put)(void *, const char *tok, size_t len,
			    int64_t expires, int64_t now, const char *data,
			    size_t dlen);
	void		(*set_metrics)(void *, struct metrics *);
	void		(*close)(void *);
};

extern const struct icache_ops icache_file_ops;

/*
 * Opens or creates the cache at path for capacity answers (rounded up
 * to whole buckets), with replay_open()'s rules on owner, mode and
 * folder.  A file made for another capacity is started afresh when no
 * worker has it open: it is a cache, losing it costs calls only.
 */
int		 icache_open(struct icache **, const char *path,
		    size_t capacity, uid_t owner, gid_t group, char *err,
		    size_t errlen);
/*
 * The answer kept for tok, still good at now, into out (cap bytes).
 * On a miss with claim > now, a claim on tok is left until claim, so
 * that the other workers get ICACHE_PENDING rather than ask too; the
 * answer put then replaces it, or icache_release() drops it.
 */
enum icache_err	 icache_get(struct icache *, const char *tok, size_t len,
		    int64_t now, int64_t claim, char *out, size_t cap,
		    size_t *outlen);
/* Drops this worker's claim on tok, when nothing is put after all. */
void		 icache_release(struct icache *, const char *tok, size_t len,
		    int64_t now);
/*
 * Keeps data for tok until expires, in place of its older answer or
 * claim, a free or expired entry of its bucket, else the bucket's
 * oldest.
 */
enum icache_err	 icache_put(struct icache *, const char *tok, size_t len,
		    int64_t expires, int64_t now, const char *data,
		    size_t dlen);
size_t		 icache_capacity(const struct icache *);
void		 icache_close(struct icache *);
const char	*icache_strerror(enum icache_err);

#endif
