/*
 * Time-ordered 64-bit ids: 41 bits of milliseconds since 2024-01-01, 10 bits of node, 12 bits of
 * sequence.  They travel in the API as decimal strings.
 */
#ifndef ATRIUM_CORE_ID_H
#define ATRIUM_CORE_ID_H
#include <stdint.h>

#define ID_EPOCH_MS 1704067200000LL
#define ID_STR_LEN 21

/* Sets this process's node number (0..1023).  Call once before id_next. */
void id_init(unsigned node);
/* A new id, unique within the node and increasing; thread-safe. */
int64_t id_next(void);
/* Milliseconds since the Unix epoch at which id was made. */
int64_t id_time_ms(int64_t id);
/* Decimal form. */
char *id_format(int64_t id, char buf[ID_STR_LEN]);
/* Parses a decimal id (no sign, no spaces, > 0); returns 0 or -1. */
int id_parse(const char *s, int64_t *id /* OUT */);

#endif
