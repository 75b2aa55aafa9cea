/*
 * nv.conf (config.c): every key, the defaults, and every way a file
 * can be wrong, with the error naming file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char		*dir;
static struct config	 c;
static char		 err[CONFIG_ERR_MAX];

static void
setup(void)
{
	dir = unit_tmpdir();
	memset(&c, 0, sizeof(c));
	err[0] = '\0';
}

static void
teardown(void)
{
	config_free(&c);
	unit_rmtree(dir);
	free(dir);
}

/* Loads text as nv.conf; returns config_load's result, path in *pathp. */
static int
load(const char *text, char **pathp)
{
	char	*path = unit_write(dir, "nv.conf", text);
	int	 rc = config_load(&c, path, err, sizeof(err));

	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return rc;
}

/* Expects failure with "<path>:<line>: <why>" or "<path>: <why>". */
static void
load_fails(const char *text, int line, const char *why)
{
	char	*path, want[CONFIG_ERR_MAX];

	ck_assert_int_eq(load(text, &path), -1);
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", path, line, why);
	else
		snprintf(want, sizeof(want), "%s: %s", path, why);
	ck_assert_str_eq(err, want);
	/* A failed load leaves nothing allocated behind. */
	ck_assert_ptr_null(c.issuer);
	ck_assert_ptr_null(c.jwks_file);
	ck_assert_uint_eq(c.n_amr, 0);
	free(path);
}

#define REQUIRED \
	"jwks_file = /etc/nv/keys.jwks\n" \
	"issuer = https://auth.example.net\n" \
	"audience = number-verification\n"

START_TEST(defaults)
{
	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_str_eq(c.jwks_file, "/etc/nv/keys.jwks");
	ck_assert_str_eq(c.issuer, "https://auth.example.net");
	ck_assert_str_eq(c.audience, "number-verification");
	ck_assert_int_eq(c.leeway, 30);
	ck_assert_str_eq(c.phone_claim, "phone_number");
	ck_assert_uint_eq(c.n_amr, 2);
	ck_assert_str_eq(c.network_amr[0], "nba");
	ck_assert_str_eq(c.network_amr[1], "mnba");
	ck_assert_int_eq(c.api_version, API_V0);
}
END_TEST

START_TEST(every_key)
{
	ck_assert_int_eq(load(
	    "# the service\n"
	    "\n"
	    "   # indented comment\n"
	    "jwks_file=/k.jwks\n"
	    "issuer   =   https://iss.example/a b  \n"
	    "\taudience\t=\taud-1\r\n"
	    "leeway = 0\n"
	    "phone_claim = msisdn\n"
	    "network_amr =  nba\tsms  otp \n"
	    "api_version = v2\n", NULL), 0);
	ck_assert_str_eq(c.jwks_file, "/k.jwks");
	ck_assert_str_eq(c.issuer, "https://iss.example/a b");
	ck_assert_str_eq(c.audience, "aud-1");
	ck_assert_int_eq(c.leeway, 0);
	ck_assert_str_eq(c.phone_claim, "msisdn");
	ck_assert_uint_eq(c.n_amr, 3);
	ck_assert_str_eq(c.network_amr[0], "nba");
	ck_assert_str_eq(c.network_amr[1], "sms");
	ck_assert_str_eq(c.network_amr[2], "otp");
	ck_assert_int_eq(c.api_version, API_V2);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "leeway = 3600\napi_version = v1\n",
	    NULL), 0);
	ck_assert_int_eq(c.leeway, 3600);
	ck_assert_int_eq(c.api_version, API_V1);
	config_free(&c);
	/* A value may hold '=' and '#' after the first '='. */
	ck_assert_int_eq(load("jwks_file = /k\nissuer = https://i/?a=b#c\n"
	    "audience = x\n", NULL), 0);
	ck_assert_str_eq(c.issuer, "https://i/?a=b#c");
}
END_TEST

START_TEST(empty_network_amr)
{
	ck_assert_int_eq(load(REQUIRED "network_amr =\n", NULL), 0);
	ck_assert_uint_eq(c.n_amr, 0);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "network_amr =   \t \n", NULL), 0);
	ck_assert_uint_eq(c.n_amr, 0);
}
END_TEST

START_TEST(too_many_amr)
{
	load_fails(REQUIRED "network_amr = a b c d e f g h i\n", 4,
	    "network_amr takes at most 8 values");
}
END_TEST

START_TEST(unknown_key)
{
	load_fails(REQUIRED "leway = 10\n", 4, "unknown key `leway`");
	load_fails("# c\nJWKS_FILE = /k\n", 2, "unknown key `JWKS_FILE`");
}
END_TEST

START_TEST(repeated_key)
{
	load_fails(REQUIRED "issuer = https://other\n", 4,
	    "key `issuer` given twice");
	load_fails(REQUIRED "leeway = 1\n\nleeway = 1\n", 6,
	    "key `leeway` given twice");
}
END_TEST

START_TEST(missing_required)
{
	load_fails("issuer = i\naudience = a\n", 0,
	    "required key `jwks_file` is missing");
	load_fails("jwks_file = /k\naudience = a\n", 0,
	    "required key `issuer` is missing");
	load_fails("jwks_file = /k\nissuer = i\n", 0,
	    "required key `audience` is missing");
	load_fails("", 0, "required key `jwks_file` is missing");
}
END_TEST

START_TEST(empty_values)
{
	load_fails("jwks_file =\n", 1, "value must not be empty");
	load_fails("jwks_file = /k\nissuer = \n", 2, "value must not be empty");
	load_fails("jwks_file = /k\naudience=\n", 2, "value must not be empty");
	load_fails(REQUIRED "phone_claim =\n", 4, "value must not be empty");
}
END_TEST

START_TEST(bad_leeway)
{
	static const char *const bad[] = {
		"-1", "abc", "3601", "", "1.5", "10s", "0x10",
		"99999999999999999999",
	};
	char	 text[256];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), REQUIRED "leeway = %s\n", bad[i]);
		load_fails(text, 4,
		    "leeway (seconds) must be a whole number from 0 to 3600");
	}
}
END_TEST

START_TEST(bad_api_version)
{
	static const char *const bad[] = { "v3", "V0", "0", "", "v0.4", "v10" };
	char	 text[256];
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), REQUIRED "api_version = %s\n",
		    bad[i]);
		load_fails(text, 4, "api_version must be v0, v1 or v2");
	}
}
END_TEST

START_TEST(bad_lines)
{
	load_fails(REQUIRED "just words\n", 4, "expected `key = value`");
	load_fails("\n\n= x\n", 3, "unknown key ``");
}
END_TEST

START_TEST(long_line)
{
	char	*text;
	size_t	 n = 5000;

	text = malloc(n + 32);
	ck_assert_ptr_nonnull(text);
	strcpy(text, "issuer = ");
	memset(text + 9, 'a', n);
	strcpy(text + 9 + n, "\n");
	load_fails(text, 1, "line longer than 4094 bytes");
	free(text);
}
END_TEST

START_TEST(missing_file)
{
	char	 path[1024], want[1200];

	snprintf(path, sizeof(path), "%s/none.conf", dir);
	ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(relative_jwks_file)
{
	char	*path, want[1200];

	ck_assert_int_eq(load("jwks_file = keys.jwks\nissuer = i\n"
	    "audience = a\n", &path), 0);
	snprintf(want, sizeof(want), "%s/keys.jwks", dir);
	ck_assert_str_eq(c.jwks_file, want);
	config_free(&c);
	free(path);
	ck_assert_int_eq(load("jwks_file = sub/../k.jwks\nissuer = i\n"
	    "audience = a\n", NULL), 0);
	snprintf(want, sizeof(want), "%s/sub/../k.jwks", dir);
	ck_assert_str_eq(c.jwks_file, want);
	config_free(&c);
	/* An absolute name is kept as it is. */
	ck_assert_int_eq(load("jwks_file = /abs/k.jwks\nissuer = i\n"
	    "audience = a\n", NULL), 0);
	ck_assert_str_eq(c.jwks_file, "/abs/k.jwks");
	config_free(&c);
	/* A configuration named relative to the working folder: its
	 * keys are relative to the same folder. */
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(config_load(&c, "nv.conf", err, sizeof(err)), 0);
	ck_assert_str_eq(c.jwks_file, "/abs/k.jwks");
	config_free(&c);
	path = unit_write(dir, "rel.conf", "jwks_file = k.jwks\nissuer = i\n"
	    "audience = a\n");
	ck_assert_int_eq(config_load(&c, "./rel.conf", err, sizeof(err)), 0);
	ck_assert_str_eq(c.jwks_file, "./k.jwks");
	config_free(&c);
	ck_assert_int_eq(config_load(&c, "rel.conf", err, sizeof(err)), 0);
	ck_assert_str_eq(c.jwks_file, "k.jwks");
	free(path);
}
END_TEST

/* metrics_file relative to the folder; metrics_path checked, and only
 * with metrics_file. */
START_TEST(metrics_keys)
{
	static const char *const bad[] = { "metrics", "/a b", "/m?x=1",
	    "/m#f", "/m\x01" };
	char	 text[512], want[1200];
	size_t	 i;

	ck_assert_int_eq(load(REQUIRED "metrics_file = m.db\n"
	    "metrics_path = /metrics\n", NULL), 0);
	snprintf(want, sizeof(want), "%s/m.db", dir);
	ck_assert_str_eq(c.metrics_file, want);
	ck_assert_str_eq(c.metrics_path, "/metrics");
	config_free(&c);
	/* The file alone counts, with no route: allowed. */
	ck_assert_int_eq(load(REQUIRED "metrics_file = /run/m\n", NULL), 0);
	ck_assert_ptr_null(c.metrics_path);
	config_free(&c);
	load_fails(REQUIRED "metrics_path = /metrics\n", 0,
	    "metrics_path needs metrics_file");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), REQUIRED "metrics_file = m\n"
		    "metrics_path = %s\n", bad[i]);
		load_fails(text, 5, "metrics_path must be an absolute path of "
		    "at most 256 printable characters, without blanks, `?` "
		    "or `#`");
	}
}
END_TEST

START_TEST(redis_store)
{
	char	*path, want[1200];

	/* The defaults: the file store, 200 ms, nv:used:. */
	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_int_eq(c.single_use_store, CONFIG_STORE_FILE);
	ck_assert_int_eq(c.redis_timeout, 200);
	ck_assert_str_eq(c.redis_key_prefix, "nv:used:");
	ck_assert_ptr_null(c.redis_url);
	config_free(&c);
	/* Every key, the files taken from the configuration's folder. */
	ck_assert_int_eq(load(REQUIRED "single_use = yes\n"
	    "single_use_store = redis\n"
	    "redis_url = redis://10.0.0.5:6380/2\n"
	    "redis_password_file = redis.pw\n"
	    "redis_timeout = 1500\n"
	    "redis_key_prefix = np:\n"
	    "redis_key_secret_file = /etc/nv/redis.key\n", &path), 0);
	ck_assert_int_eq(c.single_use_store, CONFIG_STORE_REDIS);
	ck_assert_str_eq(c.redis_url, "redis://10.0.0.5:6380/2");
	snprintf(want, sizeof(want), "%s/redis.pw", dir);
	ck_assert_str_eq(c.redis_password_file, want);
	ck_assert_int_eq(c.redis_timeout, 1500);
	ck_assert_str_eq(c.redis_key_prefix, "np:");
	ck_assert_str_eq(c.redis_key_secret_file, "/etc/nv/redis.key");
	ck_assert_ptr_null(c.single_use_file);
	config_free(&c);
	free(path);
	ck_assert_int_eq(load(REQUIRED "single_use = yes\n"
	    "single_use_store = redis\nredis_url = unix:/run/redis.sock\n"
	    "redis_key_secret_file = k\n", NULL), 0);
	snprintf(want, sizeof(want), "%s/k", dir);
	ck_assert_str_eq(c.redis_key_secret_file, want);
	ck_assert_ptr_null(c.redis_password_file);
}
END_TEST

/* The idle FastCGI connections a worker keeps: 256 unless set, 1-4096. */
START_TEST(kept_connections)
{
	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_int_eq(c.kept_connections, 256);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "kept_connections = 4096\n", NULL), 0);
	ck_assert_int_eq(c.kept_connections, 4096);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "kept_connections = 1\n", NULL), 0);
	ck_assert_int_eq(c.kept_connections, 1);
	config_free(&c);
	load_fails(REQUIRED "kept_connections = 0\n", 4,
	    "kept_connections (idle connections) must be a whole number from 1 to 4096");
	load_fails(REQUIRED "kept_connections = 4097\n", 4,
	    "kept_connections (idle connections) must be a whole number from 1 to 4096");
	load_fails(REQUIRED "kept_connections = many\n", 4,
	    "kept_connections (idle connections) must be a whole number from 1 to 4096");
}
END_TEST

START_TEST(introspection_keys)
{
	char	*path, want[1200];

	/* The defaults: no endpoint, 2 s, 60 s, 10 s, 4096 answers. */
	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_ptr_null(c.introspection_endpoint);
	ck_assert_int_eq(c.introspection_timeout, 2000);
	ck_assert_int_eq(c.introspection_cache_ttl, 60);
	ck_assert_int_eq(c.introspection_negative_ttl, 10);
	ck_assert_int_eq(c.introspection_cache_capacity, 4096);
	ck_assert_int_eq(c.introspect_jwts, 0);
	config_free(&c);
	/* Every key; the files taken from the configuration's folder. */
	ck_assert_int_eq(load(REQUIRED
	    "introspection_endpoint = https://as.example/introspect\n"
	    "introspection_client_id = nv\n"
	    "introspection_client_key_file = client.jwk\n"
	    "introspection_ca_file = /etc/ssl/as.pem\n"
	    "introspection_timeout = 500\n"
	    "introspect_jwts = yes\n"
	    "introspection_cache_file = icache\n"
	    "introspection_cache_capacity = 16\n"
	    "introspection_cache_ttl = 0\n"
	    "introspection_negative_ttl = 3600\n", &path), 0);
	ck_assert_str_eq(c.introspection_endpoint,
	    "https://as.example/introspect");
	ck_assert_str_eq(c.introspection_client_id, "nv");
	snprintf(want, sizeof(want), "%s/client.jwk", dir);
	ck_assert_str_eq(c.introspection_client_key_file, want);
	ck_assert_ptr_null(c.introspection_client_secret_file);
	ck_assert_str_eq(c.introspection_ca_file, "/etc/ssl/as.pem");
	ck_assert_int_eq(c.introspection_timeout, 500);
	ck_assert_int_eq(c.introspect_jwts, 1);
	snprintf(want, sizeof(want), "%s/icache", dir);
	ck_assert_str_eq(c.introspection_cache_file, want);
	ck_assert_int_eq(c.introspection_cache_capacity, 16);
	ck_assert_int_eq(c.introspection_cache_ttl, 0);
	ck_assert_int_eq(c.introspection_negative_ttl, 3600);
	config_free(&c);
	free(path);
	/* http:// to loopback is allowed; a secret file resolves too. */
	ck_assert_int_eq(load(REQUIRED
	    "introspection_endpoint = http://127.0.0.1:8080/i\n"
	    "introspection_client_id = nv\n"
	    "introspection_client_secret_file = s\n", NULL), 0);
	snprintf(want, sizeof(want), "%s/s", dir);
	ck_assert_str_eq(c.introspection_client_secret_file, want);
}
END_TEST

START_TEST(bad_introspection_keys)
{
#define EP "introspection_endpoint = https://as/i\n"
	load_fails(REQUIRED "introspection_endpoint = http://as.example/i\n",
	    4, "introspection_endpoint: URL must be https://, or http:// to "
	    "a loopback host");
	load_fails(REQUIRED "introspection_endpoint = as.example\n", 4,
	    "introspection_endpoint: not a URL");
	load_fails(REQUIRED "introspection_timeout = 60001\n", 4,
	    "introspection_timeout (milliseconds) must be a whole number "
	    "from 1 to 60000");
	load_fails(REQUIRED "introspection_cache_ttl = 86401\n", 4,
	    "introspection_cache_ttl (seconds) must be a whole number from 0 "
	    "to 86400");
	load_fails(REQUIRED "introspection_cache_capacity = 0\n", 4,
	    "introspection_cache_capacity (answers) must be a whole number "
	    "from 1 to 1048576");
	load_fails(REQUIRED "introspect_jwts = maybe\n", 4,
	    "introspect_jwts must be yes or no");
	/* Taken together. */
	load_fails(REQUIRED "introspection_ca_file = ca.pem\n", 0,
	    "introspection_ca_file needs introspection_endpoint");
	load_fails(REQUIRED "introspection_cache_file = c\n", 0,
	    "introspection_cache_file needs introspection_endpoint");
	load_fails(REQUIRED EP, 0,
	    "introspection_endpoint needs introspection_client_id");
	load_fails(REQUIRED EP "introspection_client_id = x\n", 0,
	    "introspection_endpoint needs exactly one of "
	    "introspection_client_secret_file and "
	    "introspection_client_key_file");
	load_fails(REQUIRED EP "introspection_client_id = x\n"
	    "introspection_client_secret_file = s\n"
	    "introspection_client_key_file = k\n", 0,
	    "introspection_endpoint needs exactly one of "
	    "introspection_client_secret_file and "
	    "introspection_client_key_file");
	load_fails(REQUIRED EP "introspection_client_id = x\n"
	    "introspection_client_secret_file = s\n"
	    "introspection_negative_ttl = 1\n", 0,
	    "introspection_negative_ttl needs introspection_cache_file or "
	    "introspection_cache_store = redis");
#undef EP
}
END_TEST

START_TEST(bad_redis_store)
{
	load_fails(REQUIRED "single_use_store = memcached\n", 4,
	    "single_use_store must be file or redis");
	load_fails(REQUIRED "redis_url = http://r\n", 4,
	    "redis_url must start with redis://, rediss:// or unix:");
	load_fails(REQUIRED "redis_timeout = 0\n", 4,
	    "redis_timeout (milliseconds) must be a whole number from 1 to "
	    "60000");
	load_fails(REQUIRED "redis_key_prefix = a\tb\n", 4,
	    "redis_key_prefix must be at most 64 printable characters "
	    "without blanks");
	load_fails(REQUIRED "redis_key_prefix = "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4\n", 4, "redis_key_prefix must be at most 64 printable "
	    "characters without blanks");
	/* Keys of the store taken together. */
	load_fails(REQUIRED "single_use = yes\nsingle_use_store = redis\n"
	    "redis_key_secret_file = k\n", 0,
	    "single_use_store = redis needs redis_url");
	load_fails(REQUIRED "single_use = yes\nsingle_use_store = redis\n"
	    "redis_url = redis://r\n", 0,
	    "single_use_store = redis needs redis_key_secret_file");
	load_fails(REQUIRED "single_use_store = redis\nredis_url = redis://r\n"
	    "redis_key_secret_file = k\n", 0,
	    "single_use_store = redis needs single_use = yes");
	load_fails(REQUIRED "single_use = yes\nsingle_use_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "single_use_file = s\n", 0,
	    "single_use_file is not used with single_use_store = redis");
	load_fails(REQUIRED "single_use = yes\nsingle_use_file = s\n"
	    "redis_timeout = 100\n", 0,
	    "redis_timeout needs single_use_store = redis or "
	    "introspection_cache_store = redis");
	load_fails(REQUIRED "single_use = yes\nsingle_use_store = file\n",
	    0, "single_use = yes needs single_use_file");
}
END_TEST

/*
 * The introspection cache in Redis: with or without the single-use
 * store there, its own prefix, and what it needs or leaves unread.
 */
#define IEP "introspection_endpoint = https://as/i\n" \
	"introspection_client_id = x\nintrospection_client_secret_file = s\n"
START_TEST(icache_redis_keys)
{
	char	 want[1200];

	/* The defaults: the file form, nv:icache:. */
	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_int_eq(c.introspection_cache_store, CONFIG_STORE_FILE);
	ck_assert_str_eq(c.redis_cache_key_prefix, "nv:icache:");
	config_free(&c);
	/* Redis for the cache alone: the single-use store stays a file. */
	ck_assert_int_eq(load(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "redis_cache_key_prefix = ic:\nintrospection_cache_ttl = 5\n"
	    "single_use = yes\nsingle_use_file = used\n", NULL), 0);
	ck_assert_int_eq(c.introspection_cache_store, CONFIG_STORE_REDIS);
	ck_assert_int_eq(c.single_use_store, CONFIG_STORE_FILE);
	ck_assert_str_eq(c.redis_cache_key_prefix, "ic:");
	ck_assert_str_eq(c.redis_key_prefix, "nv:used:");
	ck_assert_int_eq(c.introspection_cache_ttl, 5);
	snprintf(want, sizeof(want), "%s/k", dir);
	ck_assert_str_eq(c.redis_key_secret_file, want);
	config_free(&c);
	/* Both in Redis, each under its own prefix. */
	ck_assert_int_eq(load(REQUIRED IEP "introspection_cache_store = redis\n"
	    "single_use = yes\nsingle_use_store = redis\n"
	    "redis_url = unix:/run/r.sock\nredis_key_secret_file = k\n"
	    "redis_key_prefix = u:\n", NULL), 0);
	ck_assert_str_eq(c.redis_key_prefix, "u:");
	ck_assert_str_eq(c.redis_cache_key_prefix, "nv:icache:");
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED IEP "introspection_cache_store = file\n"
	    "introspection_cache_file = ic\n", NULL), 0);
	ck_assert_int_eq(c.introspection_cache_store, CONFIG_STORE_FILE);
}
END_TEST

START_TEST(bad_icache_redis_keys)
{
	load_fails(REQUIRED "introspection_cache_store = memcached\n", 4,
	    "introspection_cache_store must be file or redis");
	load_fails(REQUIRED "redis_cache_key_prefix = a b\n", 4,
	    "redis_cache_key_prefix must be at most 64 printable characters "
	    "without blanks");
	load_fails(REQUIRED "introspection_cache_store = redis\n", 0,
	    "introspection_cache_store needs introspection_endpoint");
	load_fails(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_key_secret_file = k\n", 0,
	    "introspection_cache_store = redis needs redis_url");
	load_fails(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_url = redis://r\n", 0,
	    "introspection_cache_store = redis needs redis_key_secret_file");
	load_fails(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "introspection_cache_file = ic\n", 0,
	    "introspection_cache_file is not used with "
	    "introspection_cache_store = redis");
	load_fails(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "introspection_cache_capacity = 9\n", 0,
	    "introspection_cache_capacity is not used with "
	    "introspection_cache_store = redis (Redis's maxmemory bounds it)");
	/* Each prefix belongs to its user. */
	load_fails(REQUIRED IEP "introspection_cache_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "redis_key_prefix = u:\n", 0,
	    "redis_key_prefix needs single_use_store = redis (the cache's is "
	    "redis_cache_key_prefix)");
	load_fails(REQUIRED "single_use = yes\nsingle_use_store = redis\n"
	    "redis_url = redis://r\nredis_key_secret_file = k\n"
	    "redis_cache_key_prefix = c:\n", 0,
	    "redis_cache_key_prefix needs introspection_cache_store = redis");
	load_fails(REQUIRED "redis_cache_key_prefix = c:\n", 0,
	    "redis_cache_key_prefix needs single_use_store = redis or "
	    "introspection_cache_store = redis");
}
END_TEST
#undef IEP

/* nv-keysync's keys: defaults, values, files relative to nv.conf. */
START_TEST(keysync_keys)
{
	char	*want;

	ck_assert_int_eq(load(REQUIRED, NULL), 0);
	ck_assert_ptr_null(c.jwks_uri);
	ck_assert_ptr_null(c.jwks_ca_file);
	ck_assert_ptr_null(c.jwks_signal_file);
	ck_assert_int_eq(c.jwks_refresh_min, 60);
	ck_assert_int_eq(c.jwks_refresh_max, 3600);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "jwks_uri = discover\n"
	    "jwks_ca_file = ca.pem\njwks_signal_file = /run/nv/want\n"
	    "jwks_refresh_min = 1\njwks_refresh_max = 86400\n", NULL), 0);
	ck_assert_str_eq(c.jwks_uri, "discover");
	ck_assert_int_ne(asprintf(&want, "%s/ca.pem", dir), -1);
	ck_assert_str_eq(c.jwks_ca_file, want);
	free(want);
	ck_assert_str_eq(c.jwks_signal_file, "/run/nv/want");
	ck_assert_int_eq(c.jwks_refresh_min, 1);
	ck_assert_int_eq(c.jwks_refresh_max, 86400);
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "jwks_uri = https://idp.example/"
	    "jwks?x=1\n", NULL), 0);
	ck_assert_str_eq(c.jwks_uri, "https://idp.example/jwks?x=1");
	config_free(&c);
	ck_assert_int_eq(load(REQUIRED "jwks_uri = http://127.0.0.1:8080/k\n",
	    NULL), 0);
	ck_assert_str_eq(c.jwks_uri, "http://127.0.0.1:8080/k");
}
END_TEST

START_TEST(keysync_bad_keys)
{
	/* The scheme only: nv-keysync checks the host (check_keysync). */
	load_fails(REQUIRED "jwks_uri = ftp://127.0.0.1/k\n", 4,
	    "jwks_uri must be discover or an https:// URL (http:// only to "
	    "a loopback host)");
	load_fails(REQUIRED "jwks_uri = Discover\n", 4,
	    "jwks_uri must be discover or an https:// URL (http:// only to "
	    "a loopback host)");
	load_fails(REQUIRED "jwks_refresh_min = 0\n", 4,
	    "jwks_refresh_min (seconds) must be a whole number from 1 to "
	    "86400");
	load_fails(REQUIRED "jwks_refresh_max = 86401\n", 4,
	    "jwks_refresh_max (seconds) must be a whole number from 1 to "
	    "86400");
	load_fails(REQUIRED "jwks_refresh_min = 120\njwks_refresh_max = 60\n",
	    0, "jwks_refresh_min (120) is more than jwks_refresh_max (60)");
	load_fails(REQUIRED "jwks_ca_file =\n", 4, "value must not be empty");
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tk = tcase_create("keysync");

	tcase_add_checked_fixture(tk, setup, teardown);
	tcase_add_test(tk, keysync_keys);
	tcase_add_test(tk, keysync_bad_keys);
	suite_add_tcase(s, tk);
	TCase	*tc = tcase_create("nv.conf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, every_key);
	tcase_add_test(tc, empty_network_amr);
	tcase_add_test(tc, too_many_amr);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, repeated_key);
	tcase_add_test(tc, missing_required);
	tcase_add_test(tc, empty_values);
	tcase_add_test(tc, bad_leeway);
	tcase_add_test(tc, bad_api_version);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, relative_jwks_file);
	tcase_add_test(tc, metrics_keys);
	tcase_add_test(tc, redis_store);
	tcase_add_test(tc, bad_redis_store);
	tcase_add_test(tc, icache_redis_keys);
	tcase_add_test(tc, bad_icache_redis_keys);
	tcase_add_test(tc, kept_connections);
	tcase_add_test(tc, introspection_keys);
	tcase_add_test(tc, bad_introspection_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(config_suite());
}
