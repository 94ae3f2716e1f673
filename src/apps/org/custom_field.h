/*
 * Profile fields an enterprise defines for itself (issue 4, PP-09, PP-20, PP-26): their
 * definitions, each member's values of them, and how the values reach the member routes.  Each
 * field carries a level like the built-in fields (member.h), and member_write shows a value only
 * to the viewers that level reaches.
 */
#ifndef ATRIUM_APPS_ORG_CUSTOM_FIELD_H
#define ATRIUM_APPS_ORG_CUSTOM_FIELD_H
#include <jansson.h>
#include "apps/org/member.h"
#include "core/jsonw.h"

#define CUSTOM_FIELDS_MAX 50     /* fields of one enterprise */
#define CUSTOM_OPTIONS_MAX 50    /* choices of one choice field */
#define CUSTOM_TEXT_MAX 200      /* characters of a text value */
#define CUSTOM_NUMBER_MAX 32     /* characters of a number value */

/* What a value of a field may be; the stored names never change. */
enum custom_kind { CUSTOM_TEXT, CUSTOM_NUMBER, CUSTOM_DATE, CUSTOM_CHOICE };
extern const char *const custom_kind_names[4];

/*
 * Writes "custom": [{"id","name_zh","name_en","value"}, …] for uid of eid: the values uid holds of
 * the fields whose level is at most seen (member_seen_level: a full view sees every one), in the
 * enterprise's order.  Fields without a value are left out.
 */
void custom_field_write_values(struct store *st, int64_t eid, int64_t uid, enum member_level seen, struct jsonw *w);

/*
 * Checks custom, the "custom" object of a PATCH of a member: each key an id of one of eid's
 * fields (else unknown_field), each value a string ("" clears) valid for the field's kind (else
 * invalid_type or invalid_value).  Every failure names the field "custom.<id>".  Changes nothing.
 * Returns ERR_OK or the failure (already recorded).
 */
enum err custom_field_check_values(struct req *r, int64_t eid, json_t *custom);

/*
 * Stores custom (checked by custom_field_check_values) as uid's values in eid, and adds the name
 * "custom.<id>" of each field set or cleared to names, an open JSON array (no values: they are
 * personal data and the audit chain outlives them).  Runs in the caller's transaction.  0 or -1.
 */
int custom_field_store_values(struct store *st, int64_t eid, int64_t uid, json_t *custom, struct jsonw *names);

/* Whether v is a valid value of kind (not ""); options is the JSON text of a choice field's list. */
int custom_field_valid(enum custom_kind kind, const char *options, const char *v);

#endif
