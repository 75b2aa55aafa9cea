/*
 * The HTTP client for the issuer's endpoints (key set, discovery,
 * introspection): libcurl, with the rules every such call keeps.
 */
#ifndef NV_HTTP_H
#define NV_HTTP_H

#include <signal.h>
#include <stddef.h>

#define HTTP_TYPE_MAX	128

enum http_status {
	HTTP_OK = 0,		/* an answer came, whatever its status */
	HTTP_ERR_URL,		/* not https://, nor http:// to loopback */
	HTTP_ERR_CONNECT,	/* no connection (refused, no route, DNS) */
	HTTP_ERR_TLS,		/* certificate or host name refused */
	HTTP_ERR_TIMEOUT,	/* slower than the client's timeout */
	HTTP_ERR_TOO_BIG,	/* an answer over max_body */
	HTTP_ERR_PROTOCOL,	/* a broken or cut answer */
	HTTP_ERR_INTERNAL,	/* out of memory, libcurl refused a setting */
	HTTP_ERR_CANCELLED	/* *opts.cancel was set (a signal) */
};

struct http_opts {
	const char	*ca_file;	/* NULL: the system's CAs */
	long		 timeout_ms;	/* the whole exchange */
	size_t		 max_body;	/* bytes */
	/* NULL: never; else set (by a signal handler) to end an exchange
	 * within about a second, as HTTP_ERR_CANCELLED. */
	volatile sig_atomic_t *cancel;
};

/* One per process: kept so that its connection is reused. */
struct http_client {
	void		*curl;		/* CURL * */
	struct http_opts opts;
	void		*pinned;	/* struct curl_slist *: CURLOPT_RESOLVE */
};

struct http_answer {
	long		 status;	/* the HTTP status code */
	char		*body;		/* NUL-terminated; len bytes */
	size_t		 len;
	char		 type[HTTP_TYPE_MAX]; /* media type, lower case,
					      * no parameters; "" if none */
	long		 max_age;	/* Cache-Control max-age; -1: none */
};

int		 http_global_init(char *err, size_t errlen);
void		 http_global_cleanup(void);
int		 http_url_check(const char *url, char *err, size_t errlen);
int		 http_init(struct http_client *, const struct http_opts *);
void		 http_free(struct http_client *);
/*
 * Resolves url's host now, once, and has every later exchange with
 * that host and port use the address found, so that no name-service
 * call (libcurl's resolver thread) happens inside the sandbox.  The
 * address is then fixed for the client's life.
 */
int		 http_pin_host(struct http_client *, const char *url,
		    char *err, size_t errlen);
enum http_status http_get(struct http_client *, const char *url,
		    struct http_answer *, char *err, size_t errlen);
enum http_status http_post_form(struct http_client *, const char *url,
		    const char *form, const char *const *headers,
		    struct http_answer *, char *err, size_t errlen);
void		 http_answer_free(struct http_answer *);
const char	*http_strerror(enum http_status);

#endif
