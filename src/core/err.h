/* Error codes of the whole server: one enum, generated from err_table.h with its status and text. */
#ifndef ATRIUM_CORE_ERR_H
#define ATRIUM_CORE_ERR_H

enum err {
#define E(name, status, code, text) ERR_##name,
#include "core/err_table.h"
#undef E
	ERR__COUNT
};

/* HTTP status of an error code (500 for an out-of-range value). */
int err_status(enum err e);
/* Stable API string, e.g. "consent_required". */
const char *err_code(enum err e);
/* Default English text. */
const char *err_text(enum err e);
/* Looks an API string up; returns ERR__COUNT when unknown. */
enum err err_from_code(const char *code);

#endif
