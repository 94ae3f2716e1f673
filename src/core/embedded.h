/* Files compiled into the binary by scripts/embed: migrations and the privacy policy text. */
#ifndef ATRIUM_CORE_EMBEDDED_H
#define ATRIUM_CORE_EMBEDDED_H
#include <stddef.h>

struct embedded {
	const char *name; /* base name of the source file */
	const char *data; /* its bytes, NUL-terminated */
	size_t len;
};

/* SQL migrations of every module, sorted by file name ("0001_accounts.sql"). */
extern const struct embedded embedded_migrations[];
extern const unsigned embedded_migrations_count;
/* policy/privacy-policy.txt */
extern const struct embedded embedded_policy[];
extern const unsigned embedded_policy_count;

#endif
