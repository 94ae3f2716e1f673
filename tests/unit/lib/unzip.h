/*
 * A small ZIP reader for unit tests, written from the format's description and not from the
 * writer's code: finds the end record, walks the central directory, inflates each entry with
 * zlib and checks its CRC-32 and size against the directory.  Header-only (static functions).
 */
#ifndef ATRIUM_TESTS_UNZIP_H
#define ATRIUM_TESTS_UNZIP_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct unzip_entry {
	char name[256];
	unsigned char *data; /* NUL-terminated for convenience; len excludes the NUL */
	size_t len;
};

static uint32_t unzip_le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t unzip_le32(const unsigned char *p) { return unzip_le16(p) | unzip_le16(p + 2) << 16; }

static void unzip_release(struct unzip_entry *e, int n)
{
	for (int i = 0; i < n; i++)
		free(e[i].data);
}

/* Reads up to max entries of the archive at path; their number, or -1 with the reason in why. */
static int unzip_file(const char *path, struct unzip_entry *out, int max, char *why, size_t whylen)
{
	int n = -1, count = 0;
	unsigned char *buf = NULL;
	long size;
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 22 || fseek(f, 0, SEEK_SET)) {
		snprintf(why, whylen, "cannot read '%s'", path);
		goto out;
	}
	buf = malloc((size_t)size);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		snprintf(why, whylen, "short read");
		goto out;
	}
	long end = size - 22;
	while (end >= 0 && unzip_le32(buf + end) != 0x06054b50)
		end--;
	if (end < 0) {
		snprintf(why, whylen, "no end of central directory");
		goto out;
	}
	uint32_t entries = unzip_le16(buf + end + 10), cd = unzip_le32(buf + end + 16);
	uint32_t cdsize = unzip_le32(buf + end + 12);
	if (cd + cdsize != (uint32_t)end) {
		snprintf(why, whylen, "central directory at %u+%u does not end at the end record %ld", cd, cdsize, end);
		goto out;
	}
	const unsigned char *p = buf + cd;
	for (uint32_t i = 0; i < entries; i++, count++) {
		if (count == max || unzip_le32(p) != 0x02014b50) {
			snprintf(why, whylen, "bad central directory entry %u", i);
			goto out;
		}
		uint32_t method = unzip_le16(p + 10), crc = unzip_le32(p + 16), csize = unzip_le32(p + 20);
		uint32_t usize = unzip_le32(p + 24), nlen = unzip_le16(p + 28), local = unzip_le32(p + 42);
		struct unzip_entry *e = &out[count];
		snprintf(e->name, sizeof(e->name), "%.*s", (int)nlen, (const char *)p + 46);
		e->data = malloc(usize + 1);
		e->len = usize;
		if (unzip_le32(buf + local) != 0x04034b50 || memcmp(buf + local + 30, p + 46, nlen)) {
			snprintf(why, whylen, "local header of '%.64s' does not match", e->name);
			count++;
			goto out;
		}
		const unsigned char *data = buf + local + 30 + unzip_le16(buf + local + 26) + unzip_le16(buf + local + 28);
		z_stream zs = { 0 };
		inflateInit2(&zs, -15);
		zs.next_in = (Bytef *)data;
		zs.avail_in = csize;
		zs.next_out = e->data;
		zs.avail_out = usize + 1;
		int rc = method == 8 ? inflate(&zs, Z_FINISH) : Z_DATA_ERROR;
		inflateEnd(&zs);
		e->data[usize] = '\0';
		if (rc != Z_STREAM_END || zs.total_out != usize || zs.total_in != csize) {
			snprintf(why, whylen, "'%.64s' does not inflate to its %u bytes", e->name, usize);
			count++;
			goto out;
		}
		if ((uint32_t)crc32(0, e->data, usize) != crc) {
			snprintf(why, whylen, "CRC-32 of '%.64s' does not match", e->name);
			count++;
			goto out;
		}
		p += 46 + nlen + unzip_le16(p + 30) + unzip_le16(p + 32);
	}
	n = count;
out:
	if (n < 0)
		unzip_release(out, count);
	free(buf);
	if (f)
		fclose(f);
	return n;
}

/*
 * Whether Python's zipfile finds the archive sound (it reads every entry and checks its CRC): 1
 * yes, 0 no, -1 no python3.  Not `python3 -m zipfile -t`: it exits 0 even on a bad CRC.
 */
static int unzip_python_ok(const char *path)
{
	char cmd[1024];
	if (system("command -v python3 >/dev/null 2>&1"))
		return -1;
	snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, zipfile; "
		 "sys.exit(zipfile.ZipFile(sys.argv[1]).testzip() is not None)' '%s' 2>/dev/null", path);
	return system(cmd) == 0;
}

#endif
