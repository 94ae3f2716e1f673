/* Aborting allocators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/mem.h"

static void *check(void *p)
{
	if (!p) {
		fputs("atrium: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n) { return check(malloc(n ? n : 1)); }
void *xcalloc(size_t count, size_t n) { return check(calloc(count ? count : 1, n ? n : 1)); }
void *xrealloc(void *p, size_t n) { return check(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check(strndup(s, n)); }
