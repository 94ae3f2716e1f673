/* Option parsing with precedence flags > environment > file > defaults. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/config.h"
#include "core/mem.h"
#include "core/banned.h"

enum kind { STR, INT };

static const struct option {
	const char *name, *def, *help;
	enum kind kind;
	size_t offset;
} options[] = {
#define O(field, name, kind, def, help) { name, def, help, kind, offsetof(struct config, field) },
#include "core/config_table.h"
#undef O
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strlen(options[i].name) == len && !memcmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

static int set(struct config *cfg, const struct option *o, const char *value, const char *from,
	       char *err, size_t errlen)
{
	char *p = (char *)cfg + o->offset;
	if (o->kind == INT) {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < 0) {
			snprintf(err, errlen, "%s: option '%s' needs a non-negative number, not '%s'", from,
				 o->name, value);
			return -1;
		}
		*(long *)p = v;
	} else {
		free(*(char **)p);
		*(char **)p = xstrdup(value);
	}
	return 0;
}

/* "tls-cert" -> "ATRIUM_TLS_CERT" */
static void env_name(const char *name, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "ATRIUM_%s", name);
	for (size_t i = 7; i < n && i < len; i++)
		out[i] = out[i] == '-' ? '_' : (char)toupper((unsigned char)out[i]);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read config file '%s': %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line), *eq;
		if (!*s || *s == '#')
			continue;
		char where[512];
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (!(eq = strchr(s, '='))) {
			snprintf(err, errlen, "%s: expected 'name = value', got '%s'", where, s);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *name = trim(s), *value = trim(eq + 1);
		const struct option *o = find(name, strlen(name));
		if (!o) {
			snprintf(err, errlen, "%s: unknown option '%s'", where, name);
			rc = -1;
			break;
		}
		rc = set(cfg, o, value, where, err, errlen);
	}
	fclose(f);
	return rc;
}

static const char *getenv_in(char **envp, const char *name)
{
	size_t n = strlen(name);
	for (char **e = envp; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/*
 * Walks argv for --name value / --name=value.  With apply==0 it only finds --config and checks
 * names; with apply==1 it sets values.
 */
static int walk_args(struct config *cfg, int argc, char **argv, int apply, char **rest, int *nrest,
		     char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) || !a[2]) {
			if (apply && rest)
				rest[(*nrest)++] = argv[i];
			continue;
		}
		a += 2;
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		const char *value = eq ? eq + 1 : NULL;
		int is_config = len == 6 && !memcmp(a, "config", 6);
		const struct option *o = is_config ? NULL : find(a, len);
		if (!is_config && !o) {
			snprintf(err, errlen, "unknown option '--%.*s' (see 'atrium help')", (int)len, a);
			return -1;
		}
		if (!value) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "option '--%.*s' needs a value", (int)len, a);
				return -1;
			}
			value = argv[++i];
		}
		if (is_config) {
			if (!apply) {
				free(cfg->config_file);
				cfg->config_file = xstrdup(value);
			}
		} else if (apply && set(cfg, o, value, "command line", err, errlen)) {
			return -1;
		}
	}
	return 0;
}

static int load(struct config *cfg, int argc, char **argv, char **envp, char **rest, int *nrest,
		char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	if (nrest)
		*nrest = 0;
	for (size_t i = 0; i < NOPTIONS; i++)
		if (set(cfg, &options[i], options[i].def, "default", err, errlen))
			return -1;

	if (walk_args(cfg, argc, argv, 0, NULL, NULL, err, errlen))
		return -1;
	if (!cfg->config_file) {
		const char *c = getenv_in(envp, "ATRIUM_CONFIG");
		if (c && *c)
			cfg->config_file = xstrdup(c);
	}
	if (cfg->config_file && load_file(cfg, cfg->config_file, err, errlen))
		return -1;

	for (size_t i = 0; i < NOPTIONS; i++) {
		char name[64];
		env_name(options[i].name, name, sizeof(name));
		const char *v = getenv_in(envp, name);
		if (v && set(cfg, &options[i], v, name, err, errlen))
			return -1;
	}
	/* An ATRIUM_* variable that names no option is a typo that would silently do nothing. */
	for (char **e = envp; e && *e; e++) {
		if (strncmp(*e, "ATRIUM_", 7))
			continue;
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
		int known = len == 13 && !memcmp(*e, "ATRIUM_CONFIG", 13);
		for (size_t i = 0; !known && i < NOPTIONS; i++) {
			char name[64];
			env_name(options[i].name, name, sizeof(name));
			known = strlen(name) == len && !memcmp(name, *e, len);
		}
		if (!known) {
			snprintf(err, errlen, "unknown environment variable '%.*s'", (int)len, *e);
			return -1;
		}
	}
	return walk_args(cfg, argc, argv, 1, rest, nrest, err, errlen);
}

int config_load(struct config *cfg, int argc, char **argv, char **envp, char **rest, int *nrest,
		char *err, size_t errlen)
{
	int rc = load(cfg, argc, argv, envp, rest, nrest, err, errlen);
	if (rc)
		config_release(cfg);
	return rc;
}

void config_release(struct config *cfg)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].kind == STR)
			free(*(char **)((char *)cfg + options[i].offset));
	free(cfg->config_file);
	memset(cfg, 0, sizeof(*cfg));
}

void config_usage(FILE *out)
{
	fprintf(out, "options (also ATRIUM_<NAME> in the environment, 'name = value' in --config FILE):\n");
	fprintf(out, "  --%-20s %s\n", "config FILE", "read options from FILE");
	for (size_t i = 0; i < NOPTIONS; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s %s", options[i].name, options[i].kind == INT ? "N" : "VALUE");
		fprintf(out, "  --%-20s %s%s%s%s\n", name, options[i].help, *options[i].def ? " [" : "",
			options[i].def, *options[i].def ? "]" : "");
	}
}
