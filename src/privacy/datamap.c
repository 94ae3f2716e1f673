/* The data map: the modules' declarations in one place. */
#include <string.h>
#include "privacy/datamap.h"

static const struct pi_column *const modules[] = { privacy_pi, account_pi, notify_pi };
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

const struct pi_column *datamap_find(const char *table, const char *column)
{
	for (size_t m = 0; m < NMODULES; m++)
		for (const struct pi_column *c = modules[m]; c->table; c++)
			if (!strcmp(c->table, table) && !strcmp(c->column, column))
				return c;
	return NULL;
}

void datamap_each(void (*fn)(const struct pi_column *c, void *arg), void *arg)
{
	for (size_t m = 0; m < NMODULES; m++)
		for (const struct pi_column *c = modules[m]; c->table; c++)
			fn(c, arg);
}
