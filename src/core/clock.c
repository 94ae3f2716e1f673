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

static char *digits_to(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
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
	if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999) { /* outside RFC 3339's years */
		snprintf(buf, CLOCK_RFC3339_LEN, "0000-01-01T00:00:00.000Z");
		return buf;
	}
	/* Every reply formats times: digits by hand, not through printf. */
	char *p = digits_to(buf, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = digits_to(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits_to(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = digits_to(p, tm.tm_hour, 2);
	*p++ = ':';
	p = digits_to(p, tm.tm_min, 2);
	*p++ = ':';
	p = digits_to(p, tm.tm_sec, 2);
	*p++ = '.';
	p = digits_to(p, milli, 3);
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

/* Reads exactly n digits; -1 on anything else (no sign, no blanks: sscanf would take both). */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

int clock_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	int milli = 0;
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	int year = digits(s, 4), mon = digits(s + 5, 2), day = digits(s + 8, 2);
	int hour = digits(s + 11, 2), min = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (year < 0 || mon < 1 || mon > 12 || day < 1 || hour < 0 || hour > 23 || min < 0 || min > 59 ||
	    sec < 0 || sec > 59 || day > days_in_month(year, mon))
		return -1;
	s += 19;
	if (*s == '.') {
		int n = 0;
		for (s++; *s >= '0' && *s <= '9'; s++, n++)
			if (n < 3)
				milli = milli * 10 + (*s - '0');
		if (n == 0)
			return -1;
		for (; n < 3; n++)
			milli *= 10;
	}
	if (strcmp(s, "Z"))
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	*ms = (int64_t)timegm(&tm) * 1000 + milli;
	return 0;
}
