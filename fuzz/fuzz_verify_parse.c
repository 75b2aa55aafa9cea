/*
 * Fuzz target: the POST /verify request body parser (verify_parse,
 * and through it jparse_object).
 */
#include "common.h"
#include "handlers.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verify_body	 vb;

	(void)verify_parse((const char *)data, size, &vb);
	return 0;
}
