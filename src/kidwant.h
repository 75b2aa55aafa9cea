/*
 * The unknown-kid signal from the sandboxed workers to nv-keysync: a
 * small shared file (jwks_signal_file) holding one counter.  A worker
 * maps it before its sandbox and adds one, at most once a second, when
 * a token names a key the set does not hold; nv-keysync maps it
 * read-only and fetches again when the counter moved.  No socket, no
 * system call: the worker's seccomp list does not change.
 */
#ifndef NV_KIDWANT_H
#define NV_KIDWANT_H

#include <stdint.h>
#include <stddef.h>

#define KIDWANT_FILE_SIZE	64	/* bytes; the counter is the first 8 */
#define KIDWANT_EVERY_MS	1000	/* least time between two bumps */

struct kidwant {
	uint64_t	*counter;	/* in the shared mapping */
	int		 writable;	/* the worker's side */
	long long	 last_ms;	/* monotonic time of the last bump */
};

/* The worker's side: creates the file (mode 0644) when missing. */
int		 kidwant_open(struct kidwant *, const char *path, char *err,
		    size_t errlen);
/* nv-keysync's side: read-only; -1 with errno ENOENT until it exists. */
int		 kidwant_open_reader(struct kidwant *, const char *path,
		    char *err, size_t errlen);
/* One more unknown kid seen at now_ms; 1 when counted, 0 when too soon. */
int		 kidwant_bump(struct kidwant *, long long now_ms);
uint64_t	 kidwant_read(const struct kidwant *);
void		 kidwant_close(struct kidwant *);

#endif
