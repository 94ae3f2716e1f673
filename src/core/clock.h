/* Time as integer milliseconds since the Unix epoch, and its RFC 3339 form. */
#ifndef ATRIUM_CORE_CLOCK_H
#define ATRIUM_CORE_CLOCK_H
#include <stdint.h>
#include <stddef.h>

#define CLOCK_RFC3339_LEN 25 /* "2026-11-29T02:30:00.123Z" and its NUL */

/* Wall-clock milliseconds.  Tests may pin it with clock_set_fixed(). */
int64_t clock_now_ms(void);
/* Monotonic microseconds, for durations only. */
int64_t clock_mono_us(void);
/* Pins clock_now_ms() to ms (0 unpins).  For tests. */
void clock_set_fixed(int64_t ms);
/* Writes ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf (at least CLOCK_RFC3339_LEN bytes). */
char *clock_format(int64_t ms, char buf[CLOCK_RFC3339_LEN]);
/* Parses the form clock_format writes (also without milliseconds); returns 0 or -1. */
int clock_parse(const char *s, int64_t *ms /* OUT */);

#endif
