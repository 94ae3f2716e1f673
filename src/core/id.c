/* Snowflake-style ids, lock-free. */
#include <assert.h>
#include <stdio.h>
#include "core/clock.h"
#include "core/id.h"

static unsigned node_bits;
static _Atomic uint64_t last; /* last id issued, minus the node bits */

void id_init(unsigned node)
{
	assert(node < 1024);
	node_bits = node;
}

int64_t id_next(void)
{
	uint64_t prev = last, next;
	do {
		uint64_t ms = (uint64_t)(clock_now_ms() - ID_EPOCH_MS);
		uint64_t cand = ms << 22;
		/* Same millisecond, or the clock went back: keep counting past the last id, and
		 * borrow the next millisecond when 4096 ids have been made in this one. */
		if (cand > prev)
			next = cand;
		else if ((prev & 0xfff) < 0xfff)
			next = prev + 1;
		else
			next = ((prev >> 22) + 1) << 22;
	} while (!__atomic_compare_exchange_n(&last, &prev, next, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	/* The sequence lives in the low 12 bits; node goes above it. */
	uint64_t ms = next >> 22, seq = next & 0xfff;
	return (int64_t)((ms << 22) | ((uint64_t)node_bits << 12) | seq);
}

int64_t id_time_ms(int64_t id)
{
	return (id >> 22) + ID_EPOCH_MS;
}

char *id_format(int64_t id, char buf[ID_STR_LEN])
{
	/* Every request formats at least one id: digits by hand, not through printf. */
	char tmp[ID_STR_LEN];
	uint64_t v = id < 0 ? (uint64_t)0 - (uint64_t)id : (uint64_t)id;
	int n = 0, o = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (id < 0)
		buf[o++] = '-';
	while (n)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}

int id_parse(const char *s, int64_t *id)
{
	uint64_t v = 0;
	if (!*s || *s == '0')
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (*s < '0' || *s > '9' || v > (UINT64_C(0x7fffffffffffffff) - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*id = (int64_t)v;
	return 0;
}
