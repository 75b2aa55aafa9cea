/*
 * The FastCGI floor: a libfcgi accept loop that reads the request body
 * and answers what nv-fcgi answers to a good POST /verify, byte for
 * byte, and does nothing else.  No FastCGI worker can cost less.
 */
#include <fcgiapp.h>

#define BODY_MAX	4096

static const char answer[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "Content-Length: 34\r\n"
    "\r\n"
    "{\"devicePhoneNumberVerified\":true}";

int
main(void)
{
	FCGX_Request	 r;
	char		 body[BODY_MAX];

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		while (FCGX_GetStr(body, sizeof(body), r.in) > 0)
			continue;
		FCGX_PutStr(answer, sizeof(answer) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
