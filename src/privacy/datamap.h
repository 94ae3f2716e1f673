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

/* What an export shows of a column (the default shows its value). */
enum pi_export {
	EXPORT_VALUE,
	EXPORT_OMIT, /* secrets and machinery: hashes, wrapped keys */
};

enum pi_controller {
	CONTROLLER_PLATFORM,   /* Atrium's operator decides (the account) */
	CONTROLLER_ENTERPRISE, /* the enterprise decides (PP-09) */
};

struct pi_column {
	const char *table, *column;
	enum pi_category category;
	const char *subject;   /* column naming whose data it is, or NULL */
	const char *purpose;   /* why it is collected */
	const char *basis;     /* "contract", "consent", or the named legal exception */
	const char *retention; /* how long it is kept */
	enum pi_erasure erasure;
	enum pi_export export;
	int correctable;       /* its subject may change it (PP-36) */
};

/*
 * A table as a person reads about it: one entry per table, in Chinese and English, for the
 * "what we collect" page and the user's own data summary.
 */
struct pi_dataset {
	const char *table;
	const char *subject; /* column naming whose rows these are, or NULL (nobody's) */
	enum pi_controller controller;
	int listed;          /* shown on the collection page (0: bookkeeping, nobody's data) */
	const char *title_zh, *title_en;
	const char *why_zh, *why_en;
	const char *kept_zh, *kept_en;
};

/* Every declared column, NULL-table terminated, gathered from the modules' *_pi.c files. */
const struct pi_column *datamap_find(const char *table, const char *column);
/* Calls fn for each declaration in module order. */
void datamap_each(void (*fn)(const struct pi_column *c, void *arg), void *arg);

/* The declaration of a table, or NULL. */
const struct pi_dataset *datamap_dataset(const char *table);
/* Calls fn for each table declaration in module order. */
void datamap_each_dataset(void (*fn)(const struct pi_dataset *d, void *arg), void *arg);
/* Labels of a category and of a controller in "zh" or "en". */
const char *datamap_category_label(enum pi_category c, const char *lang);
const char *datamap_category_name(enum pi_category c);
const char *datamap_controller_name(enum pi_controller c);

/*
 * Legal bases (PP-21).  A column's basis is "none" (nothing personal), "consent", or one of the
 * policy's eleven circumstances in which no consent is needed, named by its id and optionally
 * followed by ": " and the law relied on ("legal obligation: proof of erasure (PIPL art. 47)").
 */
struct legal_basis {
	const char *id;
	int exception;        /* its number in the policy's list, 0 for consent */
	const char *zh, *en;
};
/* The basis a declaration names, or NULL when it names none of them ("none" gives NULL too). */
const struct legal_basis *datamap_basis(const char *basis);

/* The modules' tables (in their *_pi.c). */
extern const struct pi_column privacy_pi[], account_pi[], notify_pi[], audit_pi[], erasure_pi[], export_pi[], requests_pi[], operators_pi[], org_pi[], join_pi[], contact_pi[], im_pi[], file_pi[], im_search_pi[], attendance_punch_pi[], attendance_rules_pi[], attendance_result_pi[];
extern const struct pi_dataset privacy_sets[], account_sets[], notify_sets[], audit_sets[], erasure_sets[], export_sets[], requests_sets[], operators_sets[], org_sets[], join_sets[], contact_sets[], im_sets[], file_sets[], im_search_sets[], attendance_punch_sets[], attendance_rules_sets[], attendance_result_sets[];

#endif
