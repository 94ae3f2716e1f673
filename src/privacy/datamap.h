/*
 * The data map: every column of every table, declared by the module that owns it, with what kind
 * of data it holds, whose it is and what becomes of it.  Export, erasure, retention and the
 * public "what we collect" page are driven by these declarations; a test fails when a column of
 * the live schema has none.
 */
#ifndef ATRIUM_PRIVACY_DATAMAP_H
#define ATRIUM_PRIVACY_DATAMAP_H
#include <stddef.h>

enum pi_category {
	PI_NONE,       /* deliberately not personal: keys, counters, flags */
	PI_IDENTITY,
	PI_CONTACT,
	PI_SENSITIVE,
	PI_BIOMETRIC,
	PI_LOCATION,
	PI_DEVICE,
	PI_LOG,
	PI_CONTENT,
	PI_ENTERPRISE,
};

enum pi_erasure {
	ERASE_DELETE_ROW,
	ERASE_CLEAR_FIELD,
	ERASE_PSEUDONYMISE,
	ERASE_DESTROY_KEY,
	ERASE_KEEP,    /* with the legal reason in .basis */
};

struct pi_column {
	const char *table, *column;
	enum pi_category category;
	const char *subject;   /* column naming whose data it is, or NULL */
	const char *purpose;   /* why it is collected */
	const char *basis;     /* "contract", "consent", or the named legal exception */
	const char *retention; /* how long it is kept */
	enum pi_erasure erasure;
};

/* Every declared column, NULL-table terminated, gathered from the modules' *_pi.c files. */
const struct pi_column *datamap_find(const char *table, const char *column);
/* Calls fn for each declaration in module order. */
void datamap_each(void (*fn)(const struct pi_column *c, void *arg), void *arg);

/* The modules' tables (in their *_pi.c). */
extern const struct pi_column privacy_pi[], account_pi[], notify_pi[];

#endif
