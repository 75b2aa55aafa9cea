/*
 * nv-keysync's pure parts: media types (keysync.c), refresh times
 * (max-age clamped, backoff), the discovery document's checks
 * (discover.c), writing jwks_file only when it changed, and the
 * unknown-kid counter the workers share with it (kidwant.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover.h"
#include "keysync.h"
#include "kidwant.h"
#include "unit.h"

START_TEST(media_types)
{
	ck_assert_int_eq(keysync_media_ok("application/json",
	    KEYSYNC_DOC_KEYS), 1);
	ck_assert_int_eq(keysync_media_ok("application/jwk-set+json",
	    KEYSYNC_DOC_KEYS), 1);
	ck_assert_int_eq(keysync_media_ok("application/jwks+json",
	    KEYSYNC_DOC_KEYS), 1);
	ck_assert_int_eq(keysync_media_ok("text/html", KEYSYNC_DOC_KEYS), 0);
	ck_assert_int_eq(keysync_media_ok("", KEYSYNC_DOC_KEYS), 0);
	ck_assert_int_eq(keysync_media_ok("application/jwk+json",
	    KEYSYNC_DOC_KEYS), 0);
	ck_assert_int_eq(keysync_media_ok("application/json5",
	    KEYSYNC_DOC_KEYS), 0);
	/* The discovery document is application/json only. */
	ck_assert_int_eq(keysync_media_ok("application/json",
	    KEYSYNC_DOC_DISCOVERY), 1);
	ck_assert_int_eq(keysync_media_ok("application/jwk-set+json",
	    KEYSYNC_DOC_DISCOVERY), 0);
}
END_TEST

START_TEST(refresh_clamp)
{
	/* No max-age: 300 s, then clamped like any other. */
	ck_assert_int_eq(keysync_refresh_after(-1, 60, 3600), 300);
	ck_assert_int_eq(keysync_refresh_after(-1, 600, 3600), 600);
	ck_assert_int_eq(keysync_refresh_after(-1, 1, 120), 120);
	ck_assert_int_eq(keysync_refresh_after(0, 60, 3600), 60);
	ck_assert_int_eq(keysync_refresh_after(59, 60, 3600), 60);
	ck_assert_int_eq(keysync_refresh_after(60, 60, 3600), 60);
	ck_assert_int_eq(keysync_refresh_after(1234, 60, 3600), 1234);
	ck_assert_int_eq(keysync_refresh_after(3601, 60, 3600), 3600);
	ck_assert_int_eq(keysync_refresh_after(2147483647L, 1, 86400), 86400);
}
END_TEST

START_TEST(backoff)
{
	ck_assert_int_eq(keysync_backoff(1, 60), 1);
	ck_assert_int_eq(keysync_backoff(2, 60), 2);
	ck_assert_int_eq(keysync_backoff(3, 60), 4);
	ck_assert_int_eq(keysync_backoff(6, 60), 32);
	ck_assert_int_eq(keysync_backoff(7, 60), 60);
	ck_assert_int_eq(keysync_backoff(4000000000U, 60), 60);
	ck_assert_int_eq(keysync_backoff(1, 1), 1);
	ck_assert_int_eq(keysync_backoff(5, 1), 1);
}
END_TEST

START_TEST(discovery_url)
{
	char	*u;

	u = discover_url("https://accounts.google.com");
	ck_assert_str_eq(u, "https://accounts.google.com/.well-known/"
	    "openid-configuration");
	free(u);
	u = discover_url("https://idp.example/realms/a/");
	ck_assert_str_eq(u, "https://idp.example/realms/a/.well-known/"
	    "openid-configuration");
	free(u);
}
END_TEST

static enum discover_err
check_doc(const char *doc, const char *issuer, char **uri)
{
	return discover_check(doc, strlen(doc), issuer, uri);
}

START_TEST(discovery_checks)
{
	const char	*iss = "https://idp.example";
	char		*uri = NULL;

	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\","
	    "\"jwks_uri\":\"https://keys.idp.example/certs\"}", iss, &uri),
	    DISCOVER_OK);
	ck_assert_str_eq(uri, "https://keys.idp.example/certs");
	free(uri);
	/* Exactly the configured issuer: not one slash more, nor case. */
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example/\","
	    "\"jwks_uri\":\"https://idp.example/k\"}", iss, &uri),
	    DISCOVER_ISSUER);
	ck_assert_ptr_null(uri);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://IDP.example\","
	    "\"jwks_uri\":\"https://idp.example/k\"}", iss, &uri),
	    DISCOVER_ISSUER);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\\u0000"
	    "x\",\"jwks_uri\":\"https://idp.example/k\"}", iss, &uri),
	    DISCOVER_NO_ISSUER);
	ck_assert_int_eq(check_doc("{\"jwks_uri\":\"https://idp.example/k\"}",
	    iss, &uri), DISCOVER_NO_ISSUER);
	ck_assert_int_eq(check_doc("{\"issuer\":7,\"jwks_uri\":\"https://"
	    "idp.example/k\"}", iss, &uri), DISCOVER_NO_ISSUER);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\"}",
	    iss, &uri), DISCOVER_NO_JWKS_URI);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\","
	    "\"jwks_uri\":[\"https://idp.example/k\"]}", iss, &uri),
	    DISCOVER_NO_JWKS_URI);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\","
	    "\"jwks_uri\":\"http://idp.example/k\"}", iss, &uri),
	    DISCOVER_BAD_JWKS_URI);
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://idp.example\","
	    "\"jwks_uri\":\"file:///etc/passwd\"}", iss, &uri),
	    DISCOVER_BAD_JWKS_URI);
	/* A duplicate issuer could read as either: refused as JSON. */
	ck_assert_int_eq(check_doc("{\"issuer\":\"https://evil.example\","
	    "\"issuer\":\"https://idp.example\",\"jwks_uri\":"
	    "\"https://idp.example/k\"}", iss, &uri), DISCOVER_NOT_JSON);
	ck_assert_int_eq(check_doc("<html>", iss, &uri), DISCOVER_NOT_JSON);
	ck_assert_int_eq(check_doc("[]", iss, &uri), DISCOVER_NOT_JSON);
	ck_assert_ptr_null(uri);
	ck_assert_str_eq(discover_strerror(DISCOVER_ISSUER), "discovery "
	    "document's issuer is not the configured issuer");
}
END_TEST

/* The files in dir other than name: a temporary file left behind. */
static int
others(const char *dir, const char *name)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0
		    && strcmp(e->d_name, name) != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(write_when_changed)
{
	char		*dir = unit_tmpdir(), *path, *missing, err[256];
	char		 buf[64];
	struct stat	 st, st2;
	FILE		*f;
	int		 changed;

	ck_assert_int_ne(asprintf(&path, "%s/k.jwks", dir), -1);
	ck_assert_int_eq(keysync_write(path, "{\"keys\":1}", 10, &changed,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	ck_assert_int_eq(st.st_size, 10);
	/* The same bytes: not written again (same inode). */
	ck_assert_int_eq(keysync_write(path, "{\"keys\":1}", 10, &changed,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(changed, 0);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_eq(st2.st_ino, st.st_ino);
	/* Other bytes, even of the same length: a new file renamed in. */
	ck_assert_int_eq(keysync_write(path, "{\"keys\":2}", 10, &changed,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_int_ne(st2.st_ino, st.st_ino);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 10);
	fclose(f);
	ck_assert_int_eq(memcmp(buf, "{\"keys\":2}", 10), 0);
	ck_assert_int_eq(others(dir, "k.jwks"), 0);
	/* A folder that is not there: an error, nothing written. */
	ck_assert_int_ne(asprintf(&missing, "%s/none/k.jwks", dir), -1);
	ck_assert_int_eq(keysync_write(missing, "{}", 2, &changed, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(changed, 0);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	ck_assert_int_eq(others(dir, "k.jwks"), 0);
	free(missing);
	free(path);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(kidwant_counter)
{
	char		*dir = unit_tmpdir(), *path, err[256];
	struct kidwant	 w, r, r2;
	struct stat	 st;

	ck_assert_int_ne(asprintf(&path, "%s/want", dir), -1);
	/* nv-keysync may start first: no file yet, ENOENT, try again. */
	ck_assert_int_eq(kidwant_open_reader(&r, path, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(kidwant_open(&w, path, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, KIDWANT_FILE_SIZE);
	ck_assert_int_eq(kidwant_open_reader(&r, path, err, sizeof(err)), 0);
	ck_assert_uint_eq(kidwant_read(&r), 0);
	/* At most one bump a second per worker. */
	ck_assert_int_eq(kidwant_bump(&w, 10000), 1);
	ck_assert_int_eq(kidwant_bump(&w, 10500), 0);
	ck_assert_int_eq(kidwant_bump(&w, 10999), 0);
	ck_assert_uint_eq(kidwant_read(&r), 1);
	ck_assert_int_eq(kidwant_bump(&w, 11000), 1);
	ck_assert_uint_eq(kidwant_read(&r), 2);
	/* The reader cannot bump; no signal file, nothing to bump. */
	ck_assert_int_eq(kidwant_bump(&r, 50000), 0);
	ck_assert_int_eq(kidwant_bump(NULL, 50000), 0);
	ck_assert_uint_eq(kidwant_read(NULL), 0);
	/* A second worker opens the same counter. */
	ck_assert_int_eq(kidwant_open(&r2, path, err, sizeof(err)), 0);
	ck_assert_int_eq(kidwant_bump(&r2, 11000), 1);
	ck_assert_uint_eq(kidwant_read(&r), 3);
	kidwant_close(&r2);
	kidwant_close(&r);
	kidwant_close(&w);
	ck_assert_ptr_null(w.counter);
	/* A file too short (not made by a worker): not mapped. */
	ck_assert_int_eq(truncate(path, 4), 0);
	ck_assert_int_eq(kidwant_open_reader(&r, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "shorter than 64 bytes"));
	free(path);
	unit_rmtree(dir);
	free(dir);
}
END_TEST

/* The whole URL rule, at start-up: http:// only to a loopback host. */
START_TEST(init_checks_uri)
{
	struct config	 cfg;
	struct keysync	 ks;
	char		 err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.issuer = (char *)(uintptr_t)"https://idp.example";
	cfg.jwks_uri = (char *)(uintptr_t)"http://idp.example/jwks";
	ck_assert_int_eq(keysync_init(&ks, &cfg, 1000, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "jwks_uri must be discover or an https:// URL "
	    "(http:// only to a loopback host): URL must be https://, or "
	    "http:// to a loopback host");
	cfg.jwks_uri = (char *)(uintptr_t)"https://";
	ck_assert_int_eq(keysync_init(&ks, &cfg, 1000, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "jwks_uri must be discover or an https:// URL "
	    "(http:// only to a loopback host): not a URL");
	cfg.jwks_uri = NULL;
	ck_assert_int_eq(keysync_init(&ks, &cfg, 1000, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "jwks_uri is not set");
	cfg.jwks_uri = (char *)(uintptr_t)"http://127.0.0.1:8080/k";
	ck_assert_int_eq(keysync_init(&ks, &cfg, 1000, NULL, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(ks.uri, "http://127.0.0.1:8080/k");
	ck_assert_ptr_null(ks.discovery);
	keysync_free(&ks);
	cfg.jwks_uri = (char *)(uintptr_t)"discover";
	ck_assert_int_eq(keysync_init(&ks, &cfg, 1000, NULL, err,
	    sizeof(err)), 0);
	ck_assert_ptr_null(ks.uri);
	ck_assert_str_eq(ks.discovery, "https://idp.example/.well-known/"
	    "openid-configuration");
	keysync_free(&ks);
}
END_TEST

static Suite *
keysync_suite(void)
{
	Suite	*s = suite_create("keysync");
	TCase	*tc = tcase_create("pure");

	tcase_add_test(tc, media_types);
	tcase_add_test(tc, refresh_clamp);
	tcase_add_test(tc, backoff);
	tcase_add_test(tc, discovery_url);
	tcase_add_test(tc, discovery_checks);
	tcase_add_test(tc, write_when_changed);
	tcase_add_test(tc, kidwant_counter);
	tcase_add_test(tc, init_checks_uri);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(keysync_suite());
}
