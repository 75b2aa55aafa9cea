/*
 * Logging to stderr, which web servers route to their error log: one
 * line per request, and start-up or reload messages.
 */
#ifndef NV_LOG_H
#define NV_LOG_H

struct log_request {
	const char	*method;
	const char	*path;
	int		 status;
	const char	*code;		/* NULL on success */
	const char	*detail;	/* why a token failed, or NULL */
	const char	*correlator;
	long long	 usec;
};

void	log_set_name(const char *);
void	log_line(const char *level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_request_line(const struct log_request *);

#define lerr(...)	log_line("error", __VA_ARGS__)
#define lwarn(...)	log_line("warning", __VA_ARGS__)
#define linfo(...)	log_line("info", __VA_ARGS__)

#endif
