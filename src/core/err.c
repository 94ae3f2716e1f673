/* Lookups into the error table. */
#include <string.h>
#include "core/err.h"

static const struct {
	int status;
	const char *code, *text;
} table[] = {
#define E(name, status, code, text) { status, code, text },
#include "core/err_table.h"
#undef E
};

int err_status(enum err e)
{
	return (unsigned)e < ERR__COUNT ? table[e].status : 500;
}

const char *err_code(enum err e)
{
	return (unsigned)e < ERR__COUNT ? table[e].code : "internal_error";
}

const char *err_text(enum err e)
{
	return (unsigned)e < ERR__COUNT ? table[e].text : table[ERR_INTERNAL].text;
}

enum err err_from_code(const char *code)
{
	for (int i = 0; i < ERR__COUNT; i++)
		if (!strcmp(table[i].code, code))
			return (enum err)i;
	return ERR__COUNT;
}
