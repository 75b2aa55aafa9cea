/*
 * nv-token's commands, shared between its files: the exit codes and
 * the commands kept outside nv-token.c.
 */
#ifndef NV_NVT_H
#define NV_NVT_H

#define EX_USAGE_CODE	64

enum cmd_rc { RC_OK = 0, RC_FAIL = 1, RC_USAGE = EX_USAGE_CODE };

enum cmd_rc	cmd_inspect(int, char *[]);

#endif
