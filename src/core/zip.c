/* The streaming ZIP writer (PKWARE APPNOTE 6.3: local headers, data descriptors, central directory). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "core/mem.h"
#include "core/zip.h"
#include "core/banned.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define VERSION_NEEDED 20 /* 2.0: deflate and data descriptors */
#define MADE_BY_UNIX (3 << 8)
/* bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8 */
#define FLAGS ((1 << 3) | (1 << 11))
#define METHOD_DEFLATE 8
#define MODE_FILE 0100644u
#define LIMIT 0xffffffffu /* beyond it a field needs ZIP64 */

struct entry {
	char *name;
	uint32_t crc, csize, usize, offset;
	uint16_t time, date;
};

struct zip {
	int fd, level;
	char error[128];
	uint64_t flushed; /* bytes written to fd; the archive is that plus what out holds */
	z_stream zs;
	int zs_ready, open;
	uint64_t usize, data_start;
	uint32_t crc;
	struct entry *entries;
	size_t n, cap;
	size_t outlen;
	unsigned char out[1 << 16];
};

static int fail(struct zip *z, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct zip *z, const char *fmt, ...)
{
	if (!z->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(z->error, sizeof(z->error), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int flush_out(struct zip *z)
{
	size_t done = 0;
	while (done < z->outlen) {
		ssize_t w = write(z->fd, z->out + done, z->outlen - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fail(z, "cannot write the archive: %s", w < 0 ? strerror(errno) : "no space");
		done += (size_t)w;
	}
	z->flushed += z->outlen;
	z->outlen = 0;
	return 0;
}

static int emit(struct zip *z, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n) {
		if (z->outlen == sizeof(z->out) && flush_out(z))
			return -1;
		size_t k = sizeof(z->out) - z->outlen < n ? sizeof(z->out) - z->outlen : n;
		memcpy(z->out + z->outlen, b, k);
		z->outlen += k;
		b += k;
		n -= k;
	}
	return 0;
}

/* Little-endian fields, as every ZIP structure has them. */
static void le16(unsigned char **p, uint32_t v)
{
	(*p)[0] = (unsigned char)v;
	(*p)[1] = (unsigned char)(v >> 8);
	*p += 2;
}

static void le32(unsigned char **p, uint32_t v)
{
	le16(p, v & 0xffff);
	le16(p, v >> 16);
}

uint64_t zip_size(const struct zip *z)
{
	return z->flushed + z->outlen;
}

const char *zip_error(const struct zip *z)
{
	return z->error;
}

struct zip *zip_new(int fd, int level)
{
	struct zip *z = xcalloc(1, sizeof(*z));
	z->fd = fd;
	z->level = level;
	return z;
}

void zip_free(struct zip *z)
{
	if (!z)
		return;
	if (z->zs_ready)
		deflateEnd(&z->zs);
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
	free(z->entries);
	free(z);
}

/* MS-DOS date and time, which is all the base format has: 2-second steps, years 1980-2107. */
static void dos_time(int64_t ms, uint16_t *time_out, uint16_t *date_out)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (tm.tm_year < 80)
		tm = (struct tm){ .tm_year = 80, .tm_mday = 1 };
	if (tm.tm_year > 207)
		tm.tm_year = 207;
	*time_out = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	*date_out = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

int zip_begin(struct zip *z, const char *name, int64_t mtime_ms)
{
	size_t nlen = strlen(name);
	if (z->error[0])
		return -1;
	if (z->open)
		return fail(z, "entry '%s' begun inside another", name);
	if (!nlen || nlen > 0xffff || name[0] == '/')
		return fail(z, "entry name '%.64s' is not a relative path", name);
	if (z->n == 0xffff)
		return fail(z, "more than 65535 entries need ZIP64");
	if (zip_size(z) > LIMIT)
		return fail(z, "the archive passed 4 GiB, which needs ZIP64");
	if (!z->zs_ready) {
		/* Raw deflate (negative window bits): ZIP carries no zlib header or trailer. */
		if (deflateInit2(&z->zs, z->level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return fail(z, "cannot start deflate");
		z->zs_ready = 1;
	} else {
		deflateReset(&z->zs);
	}
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 8;
		z->entries = xrealloc(z->entries, z->cap * sizeof(*z->entries));
	}
	struct entry *e = &z->entries[z->n++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->offset = (uint32_t)zip_size(z);
	dos_time(mtime_ms, &e->time, &e->date);

	unsigned char h[30], *p = h;
	le32(&p, SIG_LOCAL);
	le16(&p, VERSION_NEEDED);
	le16(&p, FLAGS);
	le16(&p, METHOD_DEFLATE);
	le16(&p, e->time);
	le16(&p, e->date);
	le32(&p, 0); /* CRC and sizes: in the data descriptor */
	le32(&p, 0);
	le32(&p, 0);
	le16(&p, (uint32_t)nlen);
	le16(&p, 0);
	if (emit(z, h, sizeof(h)) || emit(z, name, nlen))
		return -1;
	z->open = 1;
	z->crc = (uint32_t)crc32(0, Z_NULL, 0);
	z->usize = 0;
	z->data_start = zip_size(z);
	return 0;
}

/* Runs deflate over what zs holds, emptying out as it fills; flush is Z_NO_FLUSH or Z_FINISH. */
static int deflate_all(struct zip *z, int flush)
{
	for (;;) {
		if (z->outlen == sizeof(z->out) && flush_out(z))
			return -1;
		z->zs.next_out = z->out + z->outlen;
		z->zs.avail_out = (uInt)(sizeof(z->out) - z->outlen);
		int rc = deflate(&z->zs, flush);
		z->outlen = sizeof(z->out) - z->zs.avail_out;
		if (rc == Z_STREAM_END)
			return 0;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return fail(z, "deflate failed (%d)", rc);
		/* Without Z_FINISH, deflate is done with the input once it leaves room in out. */
		if (flush == Z_NO_FLUSH && z->zs.avail_in == 0 && z->zs.avail_out > 0)
			return 0;
	}
}

int zip_write(struct zip *z, const void *data, size_t len)
{
	const unsigned char *p = data;
	if (z->error[0])
		return -1;
	if (!z->open)
		return fail(z, "write outside an entry");
	while (len) {
		uInt k = len > (1u << 30) ? (1u << 30) : (uInt)len;
		z->crc = (uint32_t)crc32(z->crc, p, k);
		z->usize += k;
		if (z->usize > LIMIT)
			return fail(z, "entry '%s' passed 4 GiB, which needs ZIP64", z->entries[z->n - 1].name);
		z->zs.next_in = (Bytef *)p;
		z->zs.avail_in = k;
		if (deflate_all(z, Z_NO_FLUSH))
			return -1;
		p += k;
		len -= k;
	}
	return 0;
}

int zip_end(struct zip *z)
{
	if (z->error[0])
		return -1;
	if (!z->open)
		return fail(z, "no entry to end");
	z->zs.next_in = Z_NULL;
	z->zs.avail_in = 0;
	if (deflate_all(z, Z_FINISH))
		return -1;
	uint64_t csize = zip_size(z) - z->data_start;
	if (csize > LIMIT)
		return fail(z, "entry '%s' passed 4 GiB compressed, which needs ZIP64", z->entries[z->n - 1].name);
	struct entry *e = &z->entries[z->n - 1];
	e->crc = z->crc;
	e->csize = (uint32_t)csize;
	e->usize = (uint32_t)z->usize;
	unsigned char d[16], *p = d;
	le32(&p, SIG_DESCRIPTOR);
	le32(&p, e->crc);
	le32(&p, e->csize);
	le32(&p, e->usize);
	z->open = 0;
	return emit(z, d, sizeof(d));
}

int zip_finish(struct zip *z)
{
	if (z->error[0])
		return -1;
	if (z->open)
		return fail(z, "entry '%s' still open", z->entries[z->n - 1].name);
	uint64_t start = zip_size(z);
	if (start > LIMIT)
		return fail(z, "the archive passed 4 GiB, which needs ZIP64");
	for (size_t i = 0; i < z->n; i++) {
		const struct entry *e = &z->entries[i];
		size_t nlen = strlen(e->name);
		unsigned char h[46], *p = h;
		le32(&p, SIG_CENTRAL);
		le16(&p, MADE_BY_UNIX | VERSION_NEEDED);
		le16(&p, VERSION_NEEDED);
		le16(&p, FLAGS);
		le16(&p, METHOD_DEFLATE);
		le16(&p, e->time);
		le16(&p, e->date);
		le32(&p, e->crc);
		le32(&p, e->csize);
		le32(&p, e->usize);
		le16(&p, (uint32_t)nlen);
		le16(&p, 0); /* extra */
		le16(&p, 0); /* comment */
		le16(&p, 0); /* disk */
		le16(&p, 0); /* internal attributes */
		le32(&p, MODE_FILE << 16); /* external: Unix mode in the high half */
		le32(&p, e->offset);
		if (emit(z, h, sizeof(h)) || emit(z, e->name, nlen))
			return -1;
	}
	uint64_t size = zip_size(z) - start;
	if (zip_size(z) > LIMIT)
		return fail(z, "the archive passed 4 GiB, which needs ZIP64");
	unsigned char end[22], *p = end;
	le32(&p, SIG_END);
	le16(&p, 0);
	le16(&p, 0);
	le16(&p, (uint32_t)z->n);
	le16(&p, (uint32_t)z->n);
	le32(&p, (uint32_t)size);
	le32(&p, (uint32_t)start);
	le16(&p, 0);
	if (emit(z, end, sizeof(end)) || flush_out(z))
		return -1;
	return 0;
}
