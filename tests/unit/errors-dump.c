/*
 * Prints the CAMARA error table of errors.c, one line per version and
 * error: version, status, code, message, separated by tabs.  Read by
 * errors_yaml.py, which looks each line up in the spec's YAML files.
 */
#include <stdio.h>

#include "errors.h"

int
main(void)
{
	const struct error_info	*e;
	int			 v, i;

	for (v = 0; v < API__MAX; v++)
		for (i = 0; i < NVE__MAX; i++) {
			e = errors_get((enum api_version)v, (enum nv_error)i);
			printf("%s\t%d\t%s\t%s\n",
			    errors_version_name((enum api_version)v),
			    e->status, e->code, e->message);
		}
	return fflush(stdout) == 0 ? 0 : 1;
}
