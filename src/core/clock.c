/* Wall and monotonic clocks, RFC 3339 formatting. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/clock.h"

static _Atomic int64_t fixed_ms;

int64_t clock_now_ms(void)
{
	int64_t f = fixed_ms;
	if (f)
		return f;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_set_fixed(int64_t ms)
{
	fixed_ms = ms;
}

char *clock_format(int64_t ms, char buf[CLOCK_RFC3339_LEN])
{
	time_t secs = (time_t)(ms / 1000);
	int milli = (int)(ms % 1000);
	if (milli < 0) {
		milli += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(buf, CLOCK_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
	return buf;
}

int clock_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	int milli = 0, n = 0;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return -1;
	s += n;
	if (*s == '.') {
		int digits = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 3)
				milli = milli * 10 + (*s - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			milli *= 10;
	}
	if (strcmp(s, "Z"))
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ms = (int64_t)timegm(&tm) * 1000 + milli;
	return 0;
}
