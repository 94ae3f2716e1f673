/* Streaming JSON writer. */
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/id.h"
#include "core/jsonw.h"
#include "core/mem.h"
#include "core/banned.h"

void jsonw_init(struct jsonw *w)
{
	w->cap = 512;
	w->buf = xmalloc(w->cap);
	w->buf[0] = '\0';
	w->len = 0;
	w->comma = 0;
}

void jsonw_release(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

static void reserve(struct jsonw *w, size_t more)
{
	if (w->len + more + 1 <= w->cap)
		return;
	while (w->len + more + 1 > w->cap)
		w->cap *= 2;
	w->buf = xrealloc(w->buf, w->cap);
}

static void put(struct jsonw *w, const char *s, size_t n)
{
	reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void putc_(struct jsonw *w, char c)
{
	put(w, &c, 1);
}

static void quoted(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	reserve(w, n + 2);
	putc_(w, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + start, i - start);
		start = i + 1;
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default: put(w, esc, 6); break;
		}
	}
	put(w, s + start, n - start);
	putc_(w, '"');
}

/* The comma and the key before a value. */
static void key(struct jsonw *w, const char *k)
{
	if (w->comma)
		putc_(w, ',');
	w->comma = 1;
	if (k) {
		quoted(w, k, strlen(k));
		putc_(w, ':');
	}
}

void jsonw_open(struct jsonw *w, const char *k, char bracket)
{
	key(w, k);
	putc_(w, bracket);
	w->comma = 0;
}

void jsonw_close(struct jsonw *w, char bracket)
{
	putc_(w, bracket);
	w->comma = 1;
}

void jsonw_strn(struct jsonw *w, const char *k, const char *v, size_t n)
{
	key(w, k);
	if (v)
		quoted(w, v, n);
	else
		put(w, "null", 4);
}

void jsonw_str(struct jsonw *w, const char *k, const char *v)
{
	jsonw_strn(w, k, v, v ? strlen(v) : 0);
}

void jsonw_int(struct jsonw *w, const char *k, int64_t v)
{
	char digits[ID_STR_LEN];
	key(w, k);
	id_format(v, digits);
	put(w, digits, strlen(digits));
}

void jsonw_bool(struct jsonw *w, const char *k, int v)
{
	key(w, k);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jsonw_null(struct jsonw *w, const char *k)
{
	key(w, k);
	put(w, "null", 4);
}

void jsonw_id(struct jsonw *w, const char *k, int64_t id)
{
	char s[ID_STR_LEN];
	jsonw_str(w, k, id_format(id, s));
}

void jsonw_ref(struct jsonw *w, const char *k, int64_t id)
{
	if (id)
		jsonw_id(w, k, id);
	else
		jsonw_null(w, k);
}

void jsonw_time(struct jsonw *w, const char *k, int64_t ms)
{
	char s[CLOCK_RFC3339_LEN];
	jsonw_str(w, k, clock_format(ms, s));
}

void jsonw_raw(struct jsonw *w, const char *k, const char *json, size_t n)
{
	key(w, k);
	put(w, json, n);
}
