/*
 * Fuzz target: the configuration parser.  config_load reads a file,
 * so the input is written to one temporary file, rewritten for each
 * run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "config.h"

static char	 path[64];
static int	 fd = -1;

static void
remove_file(void)
{
	if (path[0] != '\0')
		unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	char		 err[CONFIG_ERR_MAX];
	size_t		 off = 0;
	ssize_t		 n;

	if (fd == -1) {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%.40s/nv-fuzz-XXXXXX",
		    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if ((fd = mkstemp(path)) == -1)
			abort();
		atexit(remove_file);
	}
	if (ftruncate(fd, 0) == -1)
		abort();
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			abort();
		off += (size_t)n;
	}
	err[0] = '\0';
	if (config_load(&cfg, path, err, sizeof(err)) == 0)
		config_free(&cfg);
	else if (err[0] == '\0')
		__builtin_trap();	/* a failure must say why */
	return 0;
}
