/*
 * The one HTTP client: libcurl with the rules every call to the
 * issuer keeps.  TLS is verified (the system's CAs, or ca_file);
 * http:// is allowed only to a loopback host, where no one else is on
 * the wire; redirects are not followed, so a key set cannot be moved
 * elsewhere by whoever controls one answer; answers are capped in size
 * and time.  Answers may hold personal data (an introspection answer
 * holds the number), so every buffer is wiped before it is freed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <sodium.h>

#include "dlcurl.h"
#include "http.h"

static const char *const http_messages[] = {
	[HTTP_OK] = "ok",
	[HTTP_ERR_URL] = "URL must be https://, or http:// to a loopback host",
	[HTTP_ERR_CONNECT] = "could not connect",
	[HTTP_ERR_TLS] = "TLS refused (certificate or host name)",
	[HTTP_ERR_TIMEOUT] = "timed out",
	[HTTP_ERR_TOO_BIG] = "answer too big",
	[HTTP_ERR_PROTOCOL] = "broken answer",
	[HTTP_ERR_INTERNAL] = "internal error",
	[HTTP_ERR_CANCELLED] = "cancelled",
};

const char *
http_strerror(enum http_status s)
{
	if ((size_t)s >= sizeof(http_messages) / sizeof(http_messages[0]))
		return "unknown";
	return http_messages[s];
}

/*
 * libcurl once loaded, for what is only called after http_global_init()
 * or http_init() has loaded it.
 */
static const struct dlcurl *
http_lib(void)
{
	char	 err[1];

	return dlcurl_load(err, sizeof(err));
}

/* Before any thread or sandbox: libcurl loads TLS and its CAs here. */
int
http_global_init(char *err, size_t errlen)
{
	const struct dlcurl	*k;

	if ((k = dlcurl_load(err, errlen)) == NULL)
		return -1;
	if (k->curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: curl_global_init failed");
		return -1;
	}
	return 0;
}

/* At exit, after every client is freed. */
void
http_global_cleanup(void)
{
	const struct dlcurl	*k;

	if ((k = http_lib()) != NULL)
		k->curl_global_cleanup();
}

static int
http_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	/* 127.0.0.0/8, written as a dotted quad. */
	return strncmp(host, "127.", 4) == 0 &&
	    strspn(host, "0123456789.") == strlen(host);
}

int
http_url_check(const char *url, char *err, size_t errlen)
{
	const struct dlcurl	*k;
	CURLU			*u;
	char			*scheme = NULL, *host = NULL;
	int			 rc = -1;

	if ((k = dlcurl_load(err, errlen)) == NULL)
		return -1;
	if ((u = k->curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (k->curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    k->curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    k->curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(err, errlen, "not a URL");
		goto out;
	}
	if (strcmp(scheme, "https") == 0 ||
	    (strcmp(scheme, "http") == 0 && http_loopback(host)))
		rc = 0;
	else
		snprintf(err, errlen, "%s", http_strerror(HTTP_ERR_URL));
out:
	k->curl_free(scheme);
	k->curl_free(host);
	k->curl_url_cleanup(u);
	return rc;
}

int
http_init(struct http_client *c, const struct http_opts *o)
{
	const struct dlcurl	*k;

	memset(c, 0, sizeof(*c));
	c->opts = *o;
	if ((k = http_lib()) == NULL || (c->curl = k->curl_easy_init()) == NULL)
		return -1;
	return 0;
}

void
http_free(struct http_client *c)
{
	const struct dlcurl	*k;

	if (c->curl == NULL)	/* http_init() failed, or freed already */
		return;
	k = http_lib();
	k->curl_easy_cleanup(c->curl);
	c->curl = NULL;
	k->curl_slist_free_all(c->pinned);
	c->pinned = NULL;
}

int
http_pin_host(struct http_client *c, const char *url, char *err,
    size_t errlen)
{
	const struct dlcurl	*k;
	struct addrinfo		 hints, *ai = NULL, *p;
	struct curl_slist	*l;
	CURLU			*u;
	char			*host = NULL, *port = NULL;
	char			 addr[INET6_ADDRSTRLEN], entry[1024];
	const void		*a;
	size_t			 n;
	int			 e, rc = -1;

	if ((k = dlcurl_load(err, errlen)) == NULL)
		return -1;
	if ((u = k->curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (k->curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    k->curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    k->curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK) {
		snprintf(err, errlen, "not a URL");
		goto out;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	/* An IPv6 literal comes bracketed; getaddrinfo wants it bare. */
	if (host[0] == '[') {
		rc = 0;		/* a literal: libcurl resolves nothing */
		goto out;
	}
	if ((e = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(e));
		goto out;
	}
	/* Every address found, as libcurl would have tried them. */
	n = (size_t)snprintf(entry, sizeof(entry), "%s:%s:", host, port);
	for (p = ai; p != NULL && n < sizeof(entry); p = p->ai_next) {
		if (p->ai_family != AF_INET && p->ai_family != AF_INET6)
			continue;
		a = p->ai_family == AF_INET6 ? (const void *)
		    &((struct sockaddr_in6 *)(void *)p->ai_addr)->sin6_addr :
		    (const void *)
		    &((struct sockaddr_in *)(void *)p->ai_addr)->sin_addr;
		if (inet_ntop(p->ai_family, a, addr, sizeof(addr)) == NULL)
			continue;
		n += (size_t)snprintf(entry + n, sizeof(entry) - n,
		    p->ai_family == AF_INET6 ? "%s[%s]" : "%s%s",
		    entry[n - 1] == ':' ? "" : ",", addr);
	}
	if (n >= sizeof(entry) || entry[n - 1] == ':') {
		snprintf(err, errlen, "%s: no usable address (or too many)",
		    host);
		goto out;
	}
	if ((l = k->curl_slist_append(c->pinned, entry)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	c->pinned = l;
	rc = 0;
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	k->curl_free(host);
	k->curl_free(port);
	k->curl_url_cleanup(u);
	return rc;
}

void
http_answer_free(struct http_answer *a)
{
	if (a->body != NULL) {
		sodium_memzero(a->body, a->len);
		free(a->body);
	}
	memset(a, 0, sizeof(*a));
	a->max_age = -1;
}

/* What one exchange collects while libcurl runs. */
struct http_ctx {
	struct http_answer	*a;
	size_t			 cap;
	size_t			 limit;
	int			 too_big;
};

/* Grows by doubling; the old buffer is wiped, never left to free(). */
static size_t
http_on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_ctx		*x = arg;
	struct http_answer	*a = x->a;
	size_t			 len = size * n, cap;
	char			*p;

	if (len > x->limit - a->len) {
		x->too_big = 1;
		return 0;
	}
	for (cap = x->cap == 0 ? 4096 : x->cap; cap < a->len + len + 1;)
		cap *= 2;
	if (cap != x->cap) {
		if ((p = malloc(cap)) == NULL)
			return 0;
		if (a->body != NULL) {
			memcpy(p, a->body, a->len);
			sodium_memzero(a->body, a->len);
			free(a->body);
		}
		a->body = p;
		x->cap = cap;
	}
	memcpy(a->body + a->len, data, len);
	a->len += len;
	a->body[a->len] = '\0';
	return len;
}

/* Cache-Control: max-age=N, from the last answer's headers only. */
static size_t
http_on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_ctx	*x = arg;
	size_t		 len = size * n, i;
	char		 line[512], *p, *end;
	long		 v;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		x->a->max_age = -1;
		return len;
	}
	if (len < 14 || len >= sizeof(line) ||
	    strncasecmp(data, "cache-control:", 14) != 0)
		return len;
	for (i = 0; i < len; i++)
		line[i] = (char)tolower((unsigned char)data[i]);
	line[len] = '\0';
	if ((p = strstr(line + 14, "max-age=")) == NULL)
		return len;
	v = strtol(p + 8, &end, 10);
	if (end != p + 8 && v >= 0)
		x->a->max_age = v;
	return len;
}

/* libcurl calls this at least once a second, even while it waits. */
static int
http_on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	const struct http_client	*c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->opts.cancel != NULL && *c->opts.cancel ? 1 : 0;
}

static enum http_status
http_code(CURLcode rc, const struct http_ctx *x)
{
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		return x->too_big || rc == CURLE_FILESIZE_EXCEEDED ?
		    HTTP_ERR_TOO_BIG : HTTP_ERR_INTERNAL;
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		return HTTP_ERR_CONNECT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return HTTP_ERR_TLS;
	case CURLE_OUT_OF_MEMORY:
		return HTTP_ERR_INTERNAL;
	case CURLE_ABORTED_BY_CALLBACK:
		return HTTP_ERR_CANCELLED;
	default:
		return HTTP_ERR_PROTOCOL;
	}
}

/* One exchange: a GET, or a POST of form when form is not NULL. */
static enum http_status
http_do(struct http_client *c, const char *url, const char *form,
    const char *const *headers, struct http_answer *a, char *err,
    size_t errlen)
{
	const struct dlcurl	*k = http_lib();
	CURL			*h = c->curl;
	struct curl_slist	*hl = NULL, *t;
	struct http_ctx		 x;
	char			 cerr[CURL_ERROR_SIZE] = "";
	const char		*type = NULL;
	enum http_status	 st = HTTP_ERR_INTERNAL;
	size_t			 i;
	CURLcode		 rc;

	memset(a, 0, sizeof(*a));
	a->max_age = -1;
	memset(&x, 0, sizeof(x));
	x.a = a;
	x.limit = c->opts.max_body;
	if (http_url_check(url, err, errlen) == -1)
		return HTTP_ERR_URL;
	/* A POST this small never needs 100-continue's round trip. */
	if ((hl = k->curl_slist_append(NULL, "Expect:")) == NULL)
		goto fail;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((t = k->curl_slist_append(hl, headers[i])) == NULL)
			goto fail;
		hl = t;
	}
	k->curl_easy_reset(h);
	if (k->curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    k->curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") ||
	    k->curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) ||
	    k->curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) ||
	    k->curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) ||
	    (c->opts.ca_file != NULL &&
	    k->curl_easy_setopt(h, CURLOPT_CAINFO, c->opts.ca_file)) ||
	    /* No SIGALRM of libcurl's: the worker owns its signals. */
	    k->curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) ||
	    k->curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms) ||
	    k->curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)c->opts.max_body) ||
	    k->curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl) ||
	    k->curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_on_body) ||
	    k->curl_easy_setopt(h, CURLOPT_WRITEDATA, &x) ||
	    k->curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_on_header) ||
	    k->curl_easy_setopt(h, CURLOPT_HEADERDATA, &x) ||
	    k->curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr) ||
	    k->curl_easy_setopt(h, CURLOPT_USERAGENT, "number-verification") ||
	    (c->pinned != NULL &&
	    k->curl_easy_setopt(h, CURLOPT_RESOLVE, c->pinned)))
		goto fail;
	if (c->opts.cancel != NULL &&
	    (k->curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L) ||
	    k->curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, http_on_progress) ||
	    k->curl_easy_setopt(h, CURLOPT_XFERINFODATA, c)))
		goto fail;
	if (form != NULL &&
	    (k->curl_easy_setopt(h, CURLOPT_POSTFIELDS, form) ||
	    k->curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(form))))
		goto fail;
	rc = k->curl_easy_perform(h);
	if ((st = http_code(rc, &x)) != HTTP_OK) {
		snprintf(err, errlen, "%s%s%s", http_strerror(st),
		    cerr[0] != '\0' ? ": " : "", cerr);
		goto out;
	}
	k->curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	if (k->curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
	    type != NULL) {
		for (i = 0; type[i] != '\0' && type[i] != ';' &&
		    type[i] != ' ' && i + 1 < sizeof(a->type); i++)
			a->type[i] = (char)tolower((unsigned char)type[i]);
		a->type[i] = '\0';
	}
	if (a->body == NULL && (a->body = calloc(1, 1)) == NULL) {
		st = HTTP_ERR_INTERNAL;
		goto out;
	}
	goto out;
fail:
	snprintf(err, errlen, "%s", http_strerror(HTTP_ERR_INTERNAL));
	st = HTTP_ERR_INTERNAL;
out:
	/* The handle keeps no pointer into this frame past the call. */
	if (c->curl != NULL) {
		k->curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
		k->curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
		k->curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	}
	k->curl_slist_free_all(hl);
	if (st != HTTP_OK)
		http_answer_free(a);
	return st;
}

enum http_status
http_get(struct http_client *c, const char *url, struct http_answer *a,
    char *err, size_t errlen)
{
	return http_do(c, url, NULL, NULL, a, err, errlen);
}

enum http_status
http_post_form(struct http_client *c, const char *url, const char *form,
    const char *const *headers, struct http_answer *a, char *err,
    size_t errlen)
{
	return http_do(c, url, form, headers, a, err, errlen);
}
