/*
 * A JSON writer for replies on hot paths: appends to one growing buffer, escaping strings, with
 * no tree to build and free.  Keys are passed with each value (NULL inside arrays).  Strings
 * must be valid UTF-8, which everything that reached the database already is.
 */
#ifndef ATRIUM_CORE_JSONW_H
#define ATRIUM_CORE_JSONW_H
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char *buf; /* NUL-terminated text so far; owned: jsonw_release() frees it */
	size_t len, cap;
	int comma; /* a value was written at this level: the next needs a comma */
};

void jsonw_init(struct jsonw *w);
void jsonw_release(struct jsonw *w);
/* Opens an object ('{') or array ('['), as the value of key when key is not NULL. */
void jsonw_open(struct jsonw *w, const char *key, char bracket);
void jsonw_close(struct jsonw *w, char bracket);
/* A string value; NULL writes null. */
void jsonw_str(struct jsonw *w, const char *key, const char *value);
void jsonw_strn(struct jsonw *w, const char *key, const char *value, size_t len);
void jsonw_int(struct jsonw *w, const char *key, int64_t value);
void jsonw_bool(struct jsonw *w, const char *key, int value);
void jsonw_null(struct jsonw *w, const char *key);
/* An id as the decimal string the API uses, and a time in milliseconds as RFC 3339. */
void jsonw_id(struct jsonw *w, const char *key, int64_t id);
/* An optional id: null for 0 (no id is 0; SQL NULL reads as 0). */
void jsonw_ref(struct jsonw *w, const char *key, int64_t id);
void jsonw_time(struct jsonw *w, const char *key, int64_t ms);
/* Text that is already JSON, as one value. */
void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t len);

#endif
