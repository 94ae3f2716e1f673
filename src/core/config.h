/*
 * Server configuration.  Each option comes from, in rising precedence: the built-in default, the
 * config file ("name = value" lines), the environment (ATRIUM_NAME) and the command line (--name).
 */
#ifndef ATRIUM_CORE_CONFIG_H
#define ATRIUM_CORE_CONFIG_H
#include <stdio.h>

struct config {
#define STR char *
#define INT long
#define O(field, name, kind, def, help) kind field;
#include "core/config_table.h"
#undef O
#undef STR
#undef INT
	char *config_file;
};

/*
 * Fills cfg from defaults, the file named by --config or ATRIUM_CONFIG, env and argv.  argv holds
 * options only; positional arguments are returned through rest (argv order kept, at most argc).
 * Returns 0, or -1 with a message in err (unknown option, missing value, bad number, unreadable or
 * malformed file), and then holds nothing.  cfg owns its strings: release with config_release()
 * (harmless on a failed or already released cfg).
 */
int config_load(struct config *cfg, int argc, char **argv, char **envp, char **rest /* OUT */,
		int *nrest /* OUT */, char *err, size_t errlen);
void config_release(struct config *cfg);
/* Prints the option reference (for --help). */
void config_usage(FILE *out);

#endif
