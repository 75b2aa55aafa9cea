/*
 * The key set file as a worker sees it over time: loaded at start-up,
 * re-read when the file was replaced (checked at most once a second)
 * or when asked to (SIGHUP), the old keys kept when a new file is bad.
 */
#ifndef NV_KEYS_H
#define NV_KEYS_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "jwks.h"

struct metrics;

#define KEYS_CHECK_MS	1000	/* least time between two stat(2)s */

/* What tells one version of the file from the next. */
struct keys_id {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtim;
	int		 present;
};

struct keys {
	const char	*path;
	unsigned	 algs;		/* signing_algorithms, as SIG_BIT()s */
	struct jwks	 set;		/* the keys in force */
	struct keys_id	 id;		/* of the file last read, good or bad */
	long long	 checked_ms;	/* monotonic time of the last check */
	unsigned long	 reads;		/* times the file was read */
	struct metrics	*metrics;	/* told of loads and failures, or NULL */
};

enum keys_reload {
	KEYS_UNCHANGED = 0,	/* not checked yet, or the same file */
	KEYS_RELOADED,		/* a new file, now in force */
	KEYS_KEPT		/* a new file that failed: old keys kept */
};

int			 keys_open(struct keys *, const char *path,
			    unsigned algs, long long now_ms, char *err,
			    size_t errlen);
enum keys_reload	 keys_maybe_reload(struct keys *, long long now_ms,
			    int force);
void			 keys_close(struct keys *);

#endif
