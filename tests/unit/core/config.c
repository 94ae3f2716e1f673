/* Unit tests of core/config.c: defaults, file < environment < flags, and refusals that name the option. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/config.h"

#define LOAD(cfg, argv, envp, rest, nrest, err) \
	config_load(cfg, (int)(sizeof(argv) / sizeof(argv[0])), argv, envp, rest, nrest, err, sizeof(err))

struct fixture {
	char dir[64];
	char file[128];
};

static int make_dir(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/atrium-config-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/atrium.conf", f->dir);
	*state = f;
	return 0;
}

static int remove_dir(void **state)
{
	struct fixture *f = *state;
	unlink(f->file);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void test_config__defaults(void **state)
{
	struct config cfg;
	char err[256] = "", *rest[1];
	char *envp[] = { "PATH=/usr/bin", "HOME=/root", NULL }; /* non-ATRIUM variables are ignored */
	int nrest = -1;
	assert_int_equal(config_load(&cfg, 0, NULL, envp, rest, &nrest, err, sizeof(err)), 0);
	assert_int_equal(nrest, 0);
	assert_string_equal(cfg.listen, "127.0.0.1:8080");
	assert_string_equal(cfg.data, "./atrium-data");
	assert_int_equal(cfg.threads, 0);
	assert_string_equal(cfg.tls_cert, "");
	assert_string_equal(cfg.tls_key, "");
	assert_int_equal(cfg.max_body, 1048576);
	assert_int_equal(cfg.idle_timeout, 30);
	assert_int_equal(cfg.node_id, 0);
	assert_int_equal(cfg.session_idle_days, 30);
	assert_string_equal(cfg.sms_provider, "outbox");
	assert_int_equal(cfg.sms_ip_per_hour, 30);
	assert_string_equal(cfg.email_provider, "outbox");
	assert_null(cfg.config_file);
	config_release(&cfg);
	assert_null(cfg.listen);
	config_release(&cfg); /* released twice: harmless */
}

static void test_config__file_then_env_then_flags(void **state)
{
	struct fixture *f = *state;
	struct config cfg;
	char err[512] = "", env_config[200], *rest[8];
	int nrest;
	write_file(f->file, "# comment\n\n  listen = 10.0.0.1:1  \nthreads=3\ntls-cert = /etc/cert.pem\n");
	snprintf(env_config, sizeof(env_config), "ATRIUM_CONFIG=%s", f->file);

	/* The file alone, named by ATRIUM_CONFIG. */
	char *env_file[] = { env_config, NULL };
	char *no_args[] = { "" };
	assert_int_equal(config_load(&cfg, 0, no_args, env_file, rest, &nrest, err, sizeof(err)), 0);
	assert_string_equal(cfg.listen, "10.0.0.1:1");
	assert_int_equal(cfg.threads, 3);
	assert_string_equal(cfg.tls_cert, "/etc/cert.pem");
	assert_string_equal(cfg.config_file, f->file);
	config_release(&cfg);

	/* The environment beats the file; what it does not set still comes from the file. */
	char *env_both[] = { env_config, "ATRIUM_LISTEN=10.0.0.2:2", "ATRIUM_SESSION_IDLE_DAYS=7", NULL };
	assert_int_equal(config_load(&cfg, 0, no_args, env_both, rest, &nrest, err, sizeof(err)), 0);
	assert_string_equal(cfg.listen, "10.0.0.2:2");
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.session_idle_days, 7);
	config_release(&cfg);

	/* A flag beats both. */
	char *argv[] = { "--listen", "10.0.0.3:3" };
	assert_int_equal(LOAD(&cfg, argv, env_both, rest, &nrest, err), 0);
	assert_string_equal(cfg.listen, "10.0.0.3:3");
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.session_idle_days, 7);
	assert_int_equal(nrest, 0);
	config_release(&cfg);

	/* --config beats ATRIUM_CONFIG. */
	char *env_missing[] = { "ATRIUM_CONFIG=/nonexistent/atrium.conf", NULL };
	char *argv_config[] = { "--config", f->file };
	assert_int_equal(LOAD(&cfg, argv_config, env_missing, rest, &nrest, err), 0);
	assert_string_equal(cfg.listen, "10.0.0.1:1");
	config_release(&cfg);
}

static void test_config__name_equals_value_form(void **state)
{
	struct fixture *f = *state;
	struct config cfg;
	char err[256] = "", *rest[8], config_arg[200];
	char *envp[] = { NULL };
	int nrest;
	write_file(f->file, "listen = 10.0.0.1:1\n");
	snprintf(config_arg, sizeof(config_arg), "--config=%s", f->file);
	char *argv[] = { config_arg, "--listen=[::1]:9000", "--max-body=2048", "--tls-key=", "--data=a=b" };
	assert_int_equal(LOAD(&cfg, argv, envp, rest, &nrest, err), 0);
	assert_string_equal(cfg.listen, "[::1]:9000");
	assert_int_equal(cfg.max_body, 2048);
	assert_string_equal(cfg.tls_key, "");
	assert_string_equal(cfg.data, "a=b"); /* the value is everything after the first '=' */
	assert_string_equal(cfg.config_file, f->file);
	config_release(&cfg);
}

/* Loads and expects a refusal whose message contains each of the words. */
static void refused(int argc, char **argv, char **envp, const char *word1, const char *word2)
{
	struct config cfg;
	char err[512] = "", *rest[8];
	int nrest;
	assert_int_equal(config_load(&cfg, argc, argv, envp, rest, &nrest, err, sizeof(err)), -1);
	if (!strstr(err, word1) || (word2 && !strstr(err, word2)))
		fail_msg("message '%s' does not name '%s'%s%s", err, word1, word2 ? " and " : "",
			 word2 ? word2 : "");
	config_release(&cfg); /* what a failed load left behind is freed the same way */
}

static void test_config__unknown_flag_is_refused(void **state)
{
	char *envp[] = { NULL };
	char *argv[] = { "--listen", "1.2.3.4:5", "--lisen", "1.2.3.4:6" };
	refused(4, argv, envp, "--lisen", NULL);
	char *argv2[] = { "--no-such=1" };
	refused(1, argv2, envp, "--no-such", NULL);
}

static void test_config__unknown_file_key_is_refused(void **state)
{
	struct fixture *f = *state;
	char *envp[] = { NULL };
	char *argv[] = { "--config", f->file };
	write_file(f->file, "listen = 1.2.3.4:5\nthreds = 4\n");
	refused(2, argv, envp, "threds", ":2"); /* the option and its line */
	write_file(f->file, "listen 1.2.3.4:5\n");
	refused(2, argv, envp, "listen 1.2.3.4:5", NULL);
	char *argv_missing[] = { "--config", "/nonexistent/atrium.conf" };
	refused(2, argv_missing, envp, "/nonexistent/atrium.conf", NULL);
}

static void test_config__unknown_env_var_is_refused(void **state)
{
	char *envp[] = { "ATRIUM_LISTEN=1.2.3.4:5", "ATRIUM_LISTEN_ADDR=1.2.3.4:6", NULL };
	refused(0, NULL, envp, "ATRIUM_LISTEN_ADDR", NULL);
	char *envp2[] = { "ATRIUM_THREAD=4", NULL };
	refused(0, NULL, envp2, "ATRIUM_THREAD", NULL);
}

static void test_config__int_must_be_a_number(void **state)
{
	struct fixture *f = *state;
	char *envp[] = { NULL };
	char *argv[] = { "--threads", "four" };
	refused(2, argv, envp, "threads", "four");
	char *argv2[] = { "--max-body=12k" };
	refused(1, argv2, envp, "max-body", "12k");
	char *argv3[] = { "--node-id=-1" };
	refused(1, argv3, envp, "node-id", "-1");
	char *argv4[] = { "--idle-timeout=" };
	refused(1, argv4, envp, "idle-timeout", NULL);
	char *argv5[] = { "--max-body=99999999999999999999999" };
	refused(1, argv5, envp, "max-body", NULL);
	char *env_bad[] = { "ATRIUM_SESSION_IDLE_DAYS=a week", NULL };
	refused(0, NULL, env_bad, "session-idle-days", "a week");
	write_file(f->file, "sms-ip-per-hour = lots\n");
	char *argv_file[] = { "--config", f->file };
	refused(2, argv_file, envp, "sms-ip-per-hour", "lots");
}

static void test_config__flag_without_value_is_refused(void **state)
{
	char *envp[] = { NULL };
	char *argv[] = { "--listen" };
	refused(1, argv, envp, "--listen", NULL);
}

static void test_config__positional_args_come_back_in_order(void **state)
{
	struct config cfg;
	char err[256] = "", *rest[8];
	char *envp[] = { NULL };
	int nrest = -1;
	char *argv[] = { "backup", "--listen", "1.2.3.4:5", "out.db", "--threads=2", "-v", "--", "last" };
	assert_int_equal(LOAD(&cfg, argv, envp, rest, &nrest, err), 0);
	assert_int_equal(nrest, 5);
	assert_string_equal(rest[0], "backup");
	assert_string_equal(rest[1], "out.db");
	assert_string_equal(rest[2], "-v");
	assert_string_equal(rest[3], "--");
	assert_string_equal(rest[4], "last");
	assert_string_equal(cfg.listen, "1.2.3.4:5");
	assert_int_equal(cfg.threads, 2);
	config_release(&cfg);
}

static void test_config__usage_lists_every_option(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	config_usage(out);
	fclose(out);
	assert_non_null(strstr(text, "--config FILE"));
	assert_non_null(strstr(text, "--listen VALUE"));
	assert_non_null(strstr(text, "--threads N"));
	assert_non_null(strstr(text, "--smtp-password VALUE"));
	assert_non_null(strstr(text, "[127.0.0.1:8080]"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__defaults),
		cmocka_unit_test_setup_teardown(test_config__file_then_env_then_flags, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_config__name_equals_value_form, make_dir, remove_dir),
		cmocka_unit_test(test_config__unknown_flag_is_refused),
		cmocka_unit_test_setup_teardown(test_config__unknown_file_key_is_refused, make_dir, remove_dir),
		cmocka_unit_test(test_config__unknown_env_var_is_refused),
		cmocka_unit_test_setup_teardown(test_config__int_must_be_a_number, make_dir, remove_dir),
		cmocka_unit_test(test_config__flag_without_value_is_refused),
		cmocka_unit_test(test_config__positional_args_come_back_in_order),
		cmocka_unit_test(test_config__usage_lists_every_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
